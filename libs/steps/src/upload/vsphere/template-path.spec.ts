// One template path for a relative upload.vsphere.folder: plan mode records the path upload imports to and reads back.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KilnImage } from '@kiln/schema';
import { tempDir } from '@kiln/testing';
import { sha256File, type ArtifactRecord } from '../../build/artifact-record';
import { plannedPublished } from '../../shared/planned-published';
import type { UploadContext } from '../upload-context';
import { templatePath, type VsphereUpload } from './template-path';
import { CONTENT_KEY_MARKER, planVsphere, uploadVsphere } from './upload-vsphere';

const UP: VsphereUpload = {
  datacenter: '/dc0',
  cluster: 'c0',
  folder: 'tkg/templates',
  datastore: 'ds0',
  resourcePool: '/dc0/host/c0/Resources',
  templateName: 'tpl',
};
const SPEC = {
  infra: 'vsphere',
  os: 'ubuntu-2004',
  release: 'v2.3.0',
  vsphere: { clusterType: 'plan', version: 'v1' },
  upload: { vsphere: UP },
} as KilnImage;
const KEY = 'a'.repeat(64);

/** An upload of `artifact` whose govc calls a fake answers: `vmInfo` for vm.info, success for everything else. */
function uploadWith(root: string, artifact: Partial<ArtifactRecord>, vmInfo: object): { ctx: UploadContext; calls: string[][] } {
  const calls: string[][] = [];
  const ctx: UploadContext = {
    workspaceRoot: root,
    image: 'img',
    upload: SPEC.upload,
    artifact: { contentKey: KEY, version: 'v1', ...artifact } as ArtifactRecord,
    kubernetesSemver: 'v1.26.5+vmware.2',
    replace: false,
    env: {},
    say: () => undefined,
    cli: {
      run: async (_file, args) => {
        calls.push(args);
        return { exitCode: 0, stdout: args[0] === 'vm.info' ? JSON.stringify(vmInfo) : '', stderr: '' };
      },
      json: async <T>(_file: string, args: string[]) => {
        calls.push(args);
        return {} as T;
      },
    },
  };
  return { ctx, calls };
}

describe('templatePath of a relative folder', () => {
  const expected = '/dc0/vm/tkg/templates/tpl';

  it('is what plan mode records in published.json', () => {
    expect(plannedPublished('img', SPEC).vsphere?.templatePath).toBe(expected);
  });

  it('is what the planned govc commands use', () => {
    expect(planVsphere('img', UP, KEY, 'v1').commands.find((c) => c.argv[1] === 'vm.markastemplate')?.argv[2]).toBe(expected);
  });

  it('is where upload imports the OVA to and what it records', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'x.ova'), 'ova');
    const ova = { path: 'x.ova', size: 3, sha256: await sha256File(join(root, 'x.ova')) };
    const { ctx, calls } = uploadWith(root, { ova }, { virtualMachines: null });
    const record = await uploadVsphere(ctx);
    expect([record.templatePath, calls.find((a) => a[0] === 'vm.markastemplate')?.[1]]).toEqual([expected, expected]);
  });

  it('is where upload of a build record from the cache looks for the template', async () => {
    const vm = {
      config: {
        template: true,
        annotation: `${CONTENT_KEY_MARKER}${KEY}`,
        vAppConfig: { property: [{ id: 'VERSION', defaultValue: 'v1' }] },
      },
    };
    const { ctx, calls } = uploadWith(tempDir(), { ova: { path: 'elsewhere.ova', size: 1, sha256: 'x' } }, { virtualMachines: [vm] });
    const record = await uploadVsphere(ctx);
    expect([record.templatePath, calls[0]]).toEqual([expected, ['vm.info', '-json', expected]]);
  });

  it('agrees between plan mode and upload for an absolute folder too', () => {
    const up = { ...UP, folder: '/dc0/vm/tkg/templates/' };
    expect([plannedPublished('img', { ...SPEC, upload: { vsphere: up } }).vsphere?.templatePath, templatePath(up)]).toEqual([
      expected,
      expected,
    ]);
  });
});
