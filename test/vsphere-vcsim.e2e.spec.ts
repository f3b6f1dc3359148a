// The vSphere path with the REAL govc against VMware's vCenter simulator vcsim (both govmomi 0.24, built from Debian's
// source package by .ci/install-vsphere-azure-tools), started on a free loopback port with a login that rejects wrong
// passwords. The OVA is the image-builder stand-in's (test/standins/image-builder/write-ova.sh: a proper OVF and a
// real streamOptimized VMDK). What stays on the govc fake (test/upload.e2e.spec.ts) is what vcsim cannot do: vcsim
// 0.24 drops the OVF ProductSection on import (vCenter keeps it as vApp properties), so the VERSION of an imported
// template, the "already holds this build" re-run and os-image-version's VERSION are tested there; so are injected
// failures (a broken upload, a hang, a name taken mid-import). Under CI=true missing govc/vcsim fail this file.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { formatError } from '@kiln/errors';
import { uploadStep } from '@kiln/steps';
import {
  Capture,
  commitOf,
  createUploadWorkspace,
  key,
  OVA_VERSION,
  revokeImage,
  writeArtifact,
  writeProvenance,
  type UploadWorkspace,
} from './support/upload-fixtures';
import { REPO_ROOT } from './support/temp-workspace';
import { requireTools, toolsOrSkip, Vcsim } from './support/vcsim';

const tools = toolsOrSkip(['govc', 'vcsim', 'qemu-img']);
const IMAGE = 'ubuntu-2004-vsphere-class';
const WRITE_OVA = join(REPO_ROOT, 'test/standins/image-builder/write-ova.sh');
const BUILD = 'ubuntu-2004-kube-v1.26.5+vmware.2';
const OVA_DIR = `dist/images/${IMAGE}/output/${BUILD}`;
const OVA = `${OVA_DIR}/${BUILD}.ova`;
const KEY = key('vcsim build 1');

/** The sample image.yaml with its upload block pointed at vcsim's default inventory and `template` as the name. */
function imageYaml(template: string): string {
  return readFileSync(join(REPO_ROOT, 'images', IMAGE, 'image.yaml'), 'utf8')
    .replace(/datacenter: .*/, 'datacenter: /DC0')
    .replace(/folder: .*/, 'folder: /DC0/vm')
    .replace(/datastore: .*/, 'datastore: LocalDS_0')
    .replace(/resourcePool: .*/, 'resourcePool: /DC0/host/DC0_C0/Resources')
    .replace(/cluster: .*/, 'cluster: DC0_C0')
    .replace(/templateName: .*/, `templateName: ${template}`);
}

/** Runs the stand-in's write-ova.sh (busybox sh when there is one, as in the image) into `dir` of the workspace. */
function writeStandinOva(ws: UploadWorkspace): void {
  mkdirSync(join(ws.root, OVA_DIR), { recursive: true });
  const sh = existsSync('/bin/busybox') ? ['/bin/busybox', 'sh'] : ['sh'];
  const r = spawnSync(sh[0]!, [...sh.slice(1), WRITE_OVA, join(ws.root, OVA_DIR), BUILD], {
    input: `VERSION=${OVA_VERSION}\nDISTRO_NAME=ubuntu\nDISTRO_VERSION=20.04\n`,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`write-ova.sh failed: ${r.stderr}`);
}

describe.skipIf(tools.skip)('vSphere upload with the real govc against vcsim', () => {
  const vcsim = new Vcsim();
  let ws: UploadWorkspace;
  let n = 0;
  let template = '';

  beforeAll(async () => {
    requireTools(tools.missing);
    await vcsim.start();
  });

  afterAll(async () => {
    await vcsim.stop();
  });

  beforeEach(() => {
    ws = createUploadWorkspace();
    template = `kiln-vcsim-${++n}`;
    mkdirSync(join(ws.root, 'home'), { recursive: true });
    ws.write(`images/${IMAGE}/image.yaml`, imageYaml(template));
    writeStandinOva(ws);
    writeArtifact(ws, { image: IMAGE, infra: 'vsphere', contentKey: KEY, version: OVA_VERSION, ova: OVA });
  });

  afterEach(() => ws.dispose());

  /** Upload's environment: VSPHERE_* only (Kiln maps them to GOVC_*), HOME in the workspace, real govc on PATH. */
  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: join(ws.root, 'home'),
    VSPHERE_SERVER: vcsim.url,
    VSPHERE_USERNAME: vcsim.username,
    VSPHERE_PASSWORD: vcsim.password,
    VSPHERE_INSECURE: 'true',
    ...extra,
  });

  async function uploadError(e: NodeJS.ProcessEnv): Promise<string> {
    try {
      await uploadStep({ workspaceRoot: ws.root, project: IMAGE, echo: new Capture(), env: e });
    } catch (err) {
      return formatError(err);
    }
    throw new Error('upload succeeded but was expected to fail');
  }

  const vmInfo = (path: string) =>
    JSON.parse(vcsim.govc(['vm.info', '-json', path]).stdout) as {
      VirtualMachines: Array<{ Config: { Template: boolean; Annotation: string } }> | null;
    };

  it('the stand-in OVA is a real one: its disk is a valid streamOptimized VMDK, and its OVF has every section an import needs', () => {
    const dir = join(ws.root, 'unpacked');
    mkdirSync(dir);
    expect(spawnSync('tar', ['-xf', join(ws.root, OVA), '-C', dir]).status).toBe(0);
    expect(readdirSync(dir).sort()).toEqual([`${BUILD}-disk-0.vmdk`, `${BUILD}.mf`, `${BUILD}.ovf`]);
    const info = spawnSync('qemu-img', ['info', '--output=json', join(dir, `${BUILD}-disk-0.vmdk`)], { encoding: 'utf8' });
    expect(info.status, info.stderr).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject({
      format: 'vmdk',
      'virtual-size': 16777216,
      'format-specific': { data: { 'create-type': 'streamOptimized' } },
    });
    const check = spawnSync('qemu-img', ['check', join(dir, `${BUILD}-disk-0.vmdk`)], { encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    const ovf = readFileSync(join(dir, `${BUILD}.ovf`), 'utf8');
    for (const section of ['<References>', '<DiskSection>', '<NetworkSection>', '<VirtualHardwareSection>', '<ProductSection>'])
      expect(ovf).toContain(section);
    expect(ovf).toContain(`ovf:key="VERSION" ovf:type="string" ovf:userConfigurable="false" ovf:value="${OVA_VERSION}"`);
    expect(ovf).toContain(`ovf:size="${statSync(join(dir, `${BUILD}-disk-0.vmdk`)).size}"`);
  });

  it('imports the stand-in OVA into vcsim with govc import.ova, marks it as a template and annotates it with the content key', async () => {
    const echo = new Capture();
    const report = await uploadStep({ workspaceRoot: ws.root, project: IMAGE, echo, env: env() });
    expect(report).toBe(`[${IMAGE}] published template /DC0/vm/${template} → dist/images/${IMAGE}/upload/published.json`);
    const vm = vmInfo(`/DC0/vm/${template}`).VirtualMachines![0]!;
    expect(vm.Config.Template).toBe(true);
    expect(vm.Config.Annotation).toBe(`Kiln image ${IMAGE}\nkiln-content-key=${KEY}`);
  });

  it("writes the commit the build recorded (provenance.json) into the template's annotation", async () => {
    writeProvenance(ws, IMAGE, commitOf('vcsim'));
    await uploadStep({ workspaceRoot: ws.root, project: IMAGE, echo: new Capture(), env: env() });
    expect(vmInfo(`/DC0/vm/${template}`).VirtualMachines![0]!.Config.Annotation).toBe(
      `Kiln image ${IMAGE}\nkiln-content-key=${KEY}\nkiln-commit=${commitOf('vcsim')}`,
    );
  });

  describe('a revoked image: the template published.json lists is annotated, nothing is imported', () => {
    const REASON = 'CVE-2026-0001 in the kernel';

    /** A normal upload first (the template in vcsim, published.json), then revoked: in image.yaml. */
    beforeEach(async () => {
      writeProvenance(ws, IMAGE, commitOf('vcsim'));
      await uploadStep({ workspaceRoot: ws.root, project: IMAGE, echo: new Capture(), env: env() });
      revokeImage(ws, IMAGE, REASON, '2026-02-20T08:00:00Z');
    });

    it('govc vm.change annotates the template with the revocation; vcsim shows it, the template and its other lines kept', async () => {
      const echo = new Capture();
      const report = await uploadStep({ workspaceRoot: ws.root, project: IMAGE, echo, env: env() });
      const vm = vmInfo(`/DC0/vm/${template}`).VirtualMachines![0]!;
      expect([vm.Config.Template, vm.Config.Annotation]).toEqual([
        true,
        `Kiln image ${IMAGE}\nkiln-content-key=${KEY}\nkiln-commit=${commitOf('vcsim')}\nkiln-revoked=2026-02-20T08:00:00Z ${REASON}`,
      ]);
      expect(echo.text).toContain(`[${IMAGE}] $ govc vm.change -vm /DC0/vm/${template} -annotation `);
      expect(echo.text).not.toContain('import.ova');
      expect(report).toBe(
        `[${IMAGE}] revoked template /DC0/vm/${template}: /DC0/vm/${template} annotated kiln-revoked=2026-02-20T08:00:00Z ${REASON} → dist/images/${IMAGE}/upload/published.json`,
      );
    });

    it('records the revocation in published.json, keeping what was published', async () => {
      const before = JSON.parse(ws.read(`dist/images/${IMAGE}/upload/published.json`)) as Record<string, unknown>;
      await uploadStep({ workspaceRoot: ws.root, project: IMAGE, echo: new Capture(), env: env() });
      expect(JSON.parse(ws.read(`dist/images/${IMAGE}/upload/published.json`))).toEqual({
        ...before,
        revoked: {
          reason: REASON,
          at: '2026-02-20T08:00:00Z',
          applied: [{ object: `/DC0/vm/${template}`, lifecycle: `annotated kiln-revoked=2026-02-20T08:00:00Z ${REASON}` }],
        },
      });
    });

    it('running it again changes nothing: the annotation carries the revocation already', async () => {
      await uploadStep({ workspaceRoot: ws.root, project: IMAGE, echo: new Capture(), env: env() });
      const echo = new Capture();
      await uploadStep({ workspaceRoot: ws.root, project: IMAGE, echo, env: env() });
      expect(echo.text).not.toContain('govc vm.change');
      expect(echo.text).toContain(`template /DC0/vm/${template} is annotated as revoked already`);
    });

    it('a template that now holds another build is left alone, with an error naming it', async () => {
      vcsim.govc([
        'vm.change',
        '-vm',
        `/DC0/vm/${template}`,
        '-annotation',
        `Kiln image ${IMAGE}\nkiln-content-key=${key('another build')}`,
      ]);
      const message = await uploadError(env());
      expect(message.split('\n')[0]).toBe(
        `vSphere VM /DC0/vm/${template} holds other content than dist/images/${IMAGE}/upload/published.json lists (content key ${key('another build').slice(0, 12)}, published ${KEY.slice(0, 12)}): it is left alone`,
      );
      expect(vmInfo(`/DC0/vm/${template}`).VirtualMachines![0]!.Config.Annotation).not.toContain('kiln-revoked=');
    });
  });

  it('shows govc progress lines without terminal escape codes, on the terminal and in the log', async () => {
    const echo = new Capture();
    await uploadStep({ workspaceRoot: ws.root, project: IMAGE, echo, env: env() });
    const logs = readdirSync(join(ws.root, `dist/images/${IMAGE}/logs`)).filter((f) => f.startsWith('upload-'));
    const log = readFileSync(join(ws.root, `dist/images/${IMAGE}/logs`, logs[0]!), 'utf8');
    // govc writes "\r\x1b[K[<time>] Uploading <disk>... OK" to a pipe too.
    expect(echo.text).toMatch(
      new RegExp(`^\\[${IMAGE}\\]   \\[[^\\]]+\\] Uploading ${BUILD.replace(/[+.]/g, '\\$&')}-disk-0\\.vmdk\\.\\.\\. OK$`, 'm'),
    );
    expect(log).toContain(`Uploading ${BUILD}-disk-0.vmdk... OK`);
    expect(echo.text).not.toContain('\x1b');
    expect(log).not.toContain('\x1b');
    expect(log).not.toContain('\r');
  });

  it("a wrong password stops at the first govc call with vcsim's reason (govc -json alone prints only {}), and imports nothing", async () => {
    const message = await uploadError(env({ VSPHERE_PASSWORD: 'not-the-password' }));
    expect(message).toBe(
      `govc vm.info /DC0/vm/${template} failed (exit code 1): ServerFaultCode: Login failure\n` +
        '  hint: check GOVC_USERNAME and GOVC_PASSWORD (or VSPHERE_USERNAME, VSPHERE_PASSWORD); Kiln never reuses a cached govc session',
    );
    expect(vmInfo(`/DC0/vm/${template}`).VirtualMachines).toBeNull();
  });

  it("never uses a govc session cached in ~/.govmomi: a wrong password does not import though a session is cached, and each run's private GOVMOMI_HOME is gone afterwards", async () => {
    // The user logged in with govc earlier: a live session for this URL and user is cached under $HOME/.govmomi.
    const home = join(ws.root, 'home');
    const login = vcsim.govc(['about'], { HOME: home, GOVC_PERSIST_SESSION: 'true' });
    expect(login.code, login.stderr).toBe(0);
    const cached = join(home, '.govmomi', 'sessions');
    expect(readdirSync(cached).length).toBe(1);
    // A shim before the real govc records the environment of each of Kiln's calls.
    const shimDir = join(ws.root, 'shim');
    mkdirSync(shimDir);
    const real = spawnSync('sh', ['-c', 'command -v govc'], { encoding: 'utf8' }).stdout.trim();
    writeFileSync(
      join(shimDir, 'govc'),
      '#!/bin/sh\nprintf \'%s %s %s\\n\' "${GOVMOMI_HOME:-unset}" "${GOVC_PERSIST_SESSION:-unset}" "$(stat -c %a "${GOVMOMI_HOME:-/nonexistent}" 2>/dev/null)" >> "$SHIM_LOG"\nexec "$REAL_GOVC" "$@"\n',
    );
    chmodSync(join(shimDir, 'govc'), 0o755);
    const shimLog = join(ws.root, 'shim.log');
    const shimEnv = { PATH: `${shimDir}:${process.env.PATH}`, SHIM_LOG: shimLog, REAL_GOVC: real };

    const message = await uploadError(env({ ...shimEnv, VSPHERE_PASSWORD: 'not-the-password' }));
    expect(message.split('\n')[0]).toBe(`govc vm.info /DC0/vm/${template} failed (exit code 1): ServerFaultCode: Login failure`);
    expect(vmInfo(`/DC0/vm/${template}`).VirtualMachines).toBeNull();

    await uploadStep({ workspaceRoot: ws.root, project: IMAGE, echo: new Capture(), env: env(shimEnv) });
    const calls = readFileSync(shimLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(' '));
    expect(calls.length).toBe(1 + 4);
    for (const [dir, persist, mode] of calls) {
      expect(dir).toMatch(/kiln-govc-/);
      expect([persist, mode]).toEqual(['false', '700']);
    }
    // One private home per run, gone afterwards; the user's cache is untouched (no new session from Kiln).
    expect(new Set(calls.map((c) => c[0])).size).toBe(2);
    for (const [dir] of calls) expect(existsSync(dir!)).toBe(false);
    expect(readdirSync(cached).length).toBe(1);
  });

  describe('kiln os-image-version --from-vsphere', () => {
    const kiln = (args: string[], extra: Record<string, string>) => {
      const e: NodeJS.ProcessEnv = { ...process.env, ...extra };
      for (const k of Object.keys(e)) if (k.startsWith('GOVC_') || k.startsWith('VSPHERE_')) delete e[k];
      Object.assign(e, extra);
      const r = spawnSync(process.execPath, [join(REPO_ROOT, 'tools/kiln-cli/bin/kiln.js'), 'os-image-version', ...args], {
        cwd: ws.root,
        env: e,
        encoding: 'utf8',
      });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const vsphereEnv = (password = vcsim.password) => ({
      HOME: join(ws.root, 'home'),
      VSPHERE_SERVER: vcsim.url,
      VSPHERE_USERNAME: vcsim.username,
      VSPHERE_PASSWORD: password,
      VSPHERE_INSECURE: 'true',
    });

    it('accepts VSPHERE_* like upload does: it reaches vcsim and reads the VM (vcsim keeps no vApp properties, so it reports that)', () => {
      const r = kiln(['--from-vsphere', '/DC0/vm/DC0_H0_VM0'], vsphereEnv());
      expect(r.stderr.trim()).toBe(
        'kiln os-image-version: govc vm.info -json /DC0/vm/DC0_H0_VM0: DC0_H0_VM0 has no vApp properties\n' +
          '  hint: the VERSION property comes from the OVA import: pass the VM imported from the default Ubuntu OVA, read before it is converted to a template (or use --from-ova / --from-cluster)',
      );
      expect(r.code).toBe(1);
    });

    it("a wrong password names vcsim's reason, and the password is never printed", () => {
      const r = kiln(['--from-vsphere', '/DC0/vm/DC0_H0_VM0'], vsphereEnv('not-the-password'));
      expect(r.stderr.split('\n')[0]).toBe(
        'kiln os-image-version: govc vm.info -json /DC0/vm/DC0_H0_VM0 failed (exit code 1): ServerFaultCode: Login failure',
      );
      expect(r.stderr + r.stdout).not.toContain('not-the-password');
      expect(r.code).toBe(1);
    });

    it('a VM path that matches nothing (govc exits 0 with {"VirtualMachines": null}) is a clear error', () => {
      const r = kiln(['--from-vsphere', '/DC0/vm/no-such-vm'], vsphereEnv());
      expect(r.stderr.split('\n')[0]).toBe('kiln os-image-version: govc vm.info -json /DC0/vm/no-such-vm: no virtual machine matched');
      expect(r.code).toBe(1);
    });
  });
});
