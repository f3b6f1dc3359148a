// vSphere upload: import the OVA as a VM template with govc, idempotently (vCenter is asked, not a cache);
// a failed or interrupted import is destroyed so no half-imported VM stays behind.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { KilnError } from '@kiln/errors';
import { govcVms, vappProperty } from '@kiln/image-version';
import { stableJson, VSPHERE_CREDENTIAL_ENV, VSPHERE_CREDENTIALS_FILE_ENV } from '@kiln/render';
import { imageDist } from '@kiln/schema';
import { artifactFile, sha256File } from '../../build/artifact-record';
import { envNumber } from '../../shared/kiln-env';
import { writeFileAtomic } from '../../shared/atomic-write';
import { govcFailureReason, openGovcSession } from './govc-session';
import type { PlannedCommand } from '../../shared/plan-record';
import type { PublishedRecord } from '../../shared/published-record';
import { PLANNED_COMMIT, replaceHint, shortKey, type UploadContext } from '../upload-context';
import { annotation, CONTENT_KEY_MARKER, COMMIT_MARKER, REVOKED_MARKER, withKilnLines } from './template-annotation';
import { ovaMissingOnRunner, templateFromVcenter } from './upload-vsphere-cached';
import { templatePath, type VsphereUpload } from './template-path';
import { readVsphereCredentialsFile } from './vsphere-credentials-file';

export { govcFailureReason, openGovcSession, type GovcSession } from './govc-session';

export { annotation, CONTENT_KEY_MARKER } from './template-annotation';

/** Workspace-relative file the import options are written to (no secrets in it). */
function importOptionsFile(image: string): string {
  return `${imageDist(image).upload}/import-options.json`;
}

export const govcArgs = {
  vmInfo: (path: string) => ['vm.info', '-json', path],
  importSpec: (ova: string) => ['import.spec', ova],
  importOva: (up: VsphereUpload, options: string, ova: string) => [
    'import.ova',
    '-dc',
    up.datacenter,
    '-ds',
    up.datastore,
    '-folder',
    up.folder,
    '-pool',
    up.resourcePool,
    '-name',
    up.templateName,
    '-options',
    options,
    ova,
  ],
  markAsTemplate: (path: string) => ['vm.markastemplate', path],
  destroy: (path: string) => ['vm.destroy', path],
  /** The whole annotation (a template may change only its name and annotation). */
  annotate: (path: string, text: string) => ['vm.change', '-vm', path, '-annotation', text],
};

/** The options file for `govc import.ova`: the `govc import.spec` output with Kiln's settings laid over it. */
function importOptions(
  spec: Record<string, unknown>,
  up: VsphereUpload,
  image: string,
  contentKey: string,
  commit?: string,
): Record<string, unknown> {
  const mapping = Array.isArray(spec.NetworkMapping) ? (spec.NetworkMapping as Array<{ Name: string; Network: string }>) : [];
  return {
    ...spec,
    ...(up.diskProvisioning ? { DiskProvisioning: up.diskProvisioning } : {}),
    NetworkMapping: mapping.map((m) => ({ Name: m.Name, Network: up.network ?? m.Network })),
    // The OVA's own annotation (import.spec copies it) stays; Kiln's lines follow it.
    Annotation: [typeof spec.Annotation === 'string' ? spec.Annotation : '', annotation(image, contentKey, commit)]
      .filter((s) => s !== '')
      .join('\n'),
    MarkAsTemplate: false,
    PowerOn: false,
    InjectOvfEnv: false,
    WaitForIP: false,
    Name: up.templateName,
  };
}

export interface VmFacts {
  exists: boolean;
  template?: boolean;
  annotation?: string;
  contentKey?: string;
  /** vApp property VERSION (DefaultValue). */
  version?: string;
}

/** Facts about the VM at an inventory path from `govc vm.info -json` output (read by @kiln/image-version's reader). */
export function parseVmInfo(text: string, where = 'govc vm.info -json'): VmFacts {
  const vm = govcVms(text, where)[0];
  if (!vm) return { exists: false };
  const key = vm.annotation.split(/\r?\n/).find((l) => l.startsWith(CONTENT_KEY_MARKER));
  return {
    exists: true,
    template: vm.template,
    annotation: vm.annotation,
    contentKey: key ? key.slice(CONTENT_KEY_MARKER.length).trim() : undefined,
    version: vappProperty(vm, 'VERSION'),
  };
}

/**
 * govc's environment: GOVC_* as given, or mapped from VSPHERE_* / the vsphere.json named by KILN_VSPHERE_CREDENTIALS_FILE.
 * The one resolver of vSphere credentials (upload and os-image-version --from-vsphere).
 */
export function govcEnvironment(env: NodeJS.ProcessEnv, workspaceRoot: string): { env: Record<string, string>; secrets: string[] } {
  if (env.GOVC_URL) {
    const secrets = [env.GOVC_PASSWORD ?? '', env.GOVC_USERNAME ?? ''];
    try {
      const url = new URL(env.GOVC_URL.includes('://') ? env.GOVC_URL : `https://${env.GOVC_URL}`);
      secrets.push(decodeURIComponent(url.password), decodeURIComponent(url.username));
    } catch {
      // not a URL: nothing embedded
    }
    return { env: {}, secrets };
  }
  let server = env.VSPHERE_SERVER;
  let username = env.VSPHERE_USERNAME;
  let password = env.VSPHERE_PASSWORD;
  let insecure = env.VSPHERE_INSECURE === 'true';
  const data = server && username && password ? undefined : readVsphereCredentialsFile(workspaceRoot, env);
  if (data) {
    server = data.vcenter_server;
    username = data.username;
    password = data.password;
    insecure = data.insecure_connection === 'true';
  }
  if (!(server && username && password)) {
    throw new KilnError(
      'CREDENTIALS_MISSING',
      `vSphere credentials are missing: set GOVC_URL, GOVC_USERNAME and GOVC_PASSWORD (or ${VSPHERE_CREDENTIAL_ENV.join(', ')})`,
      {
        hint: `export them in the shell that runs nx (govc reads them from its environment, never from its arguments), or set ${VSPHERE_CREDENTIALS_FILE_ENV} to a vsphere.json outside the repository`,
      },
    );
  }
  return {
    env: { GOVC_URL: server, GOVC_USERNAME: username, GOVC_PASSWORD: password, ...(insecure ? { GOVC_INSECURE: '1' } : {}) },
    secrets: [password, username],
  };
}

function describeVm(facts: VmFacts): string {
  return `VERSION ${facts.version ?? 'none'}, content key ${shortKey(facts.contentKey)}${facts.template ? '' : ', not a template'}`;
}

async function checkOva(ctx: UploadContext): Promise<string> {
  const ova = ctx.artifact.ova;
  if (!ova)
    throw new KilnError('ARTIFACT_INVALID', `${artifactFile(ctx.image)} names no OVA`, {
      hint: `rebuild: nx run ${ctx.image}:build --skip-nx-cache`,
    });
  const abs = join(ctx.workspaceRoot, ova.path);
  if (!existsSync(abs))
    throw new KilnError('ARTIFACT_MISSING', `the OVA ${ova.path} named by artifact.json is gone`, {
      hint: `rebuild: nx run ${ctx.image}:build --skip-nx-cache`,
    });
  if (statSync(abs).size !== ova.size || (await sha256File(abs)) !== ova.sha256) {
    throw new KilnError(
      'ARTIFACT_CHANGED',
      `the OVA ${ova.path} is not the one the build produced (size or sha256 differ from artifact.json)`,
      {
        hint: `rebuild: nx run ${ctx.image}:build --skip-nx-cache`,
      },
    );
  }
  return ova.path;
}

/**
 * Cleanup after a failed or interrupted import: destroys the VM at `path` if it is this upload's (its annotation
 * carries this content key), so a VM someone else created under the name in the meantime is never touched.
 */
async function destroyHalfImported(ctx: UploadContext, path: string): Promise<void> {
  const options = { allowFailure: true, ignoreAbort: true, timeoutMs: 10 * 60_000 };
  const info = await ctx.cli.run('govc', govcArgs.vmInfo(path), options);
  const facts = info.exitCode === 0 ? parseVmInfo(info.stdout) : undefined;
  if (facts && !facts.exists) return;
  if (facts && facts.contentKey !== ctx.artifact.contentKey) {
    ctx.say(`left ${path} alone: it is not the VM this upload imported (content key ${shortKey(facts.contentKey)})`);
    return;
  }
  const r = await ctx.cli.run('govc', govcArgs.destroy(path), options);
  if (r.exitCode === 0) ctx.say(`removed the half-imported VM ${path}`);
  else if (!/not found/i.test(r.stderr + r.stdout))
    ctx.say(`could not remove ${path} (govc exited ${r.exitCode}): remove it by hand with govc vm.destroy ${path}`);
}

/** The hint of a govc failure: a login failure names the credentials, anything else also the inventory path. */
function govcHint(reason: string): string {
  return /login|password|user name|not authenticated|unauthorized|401/i.test(reason)
    ? 'check GOVC_USERNAME and GOVC_PASSWORD (or VSPHERE_USERNAME, VSPHERE_PASSWORD); Kiln never reuses a cached govc session'
    : 'check GOVC_URL (GOVC_INSECURE=1 for self-signed certificates), the credentials and the inventory paths in upload.vsphere';
}

export async function uploadVsphere(ctx: UploadContext): Promise<NonNullable<PublishedRecord['vsphere']>> {
  // A build record from the Nx cache whose OVA is on another runner: vCenter must already hold the build.
  const fromCache = ovaMissingOnRunner(ctx);
  const ova = fromCache ? '' : await checkOva(ctx);
  // Every govc call of this run: a private GOVMOMI_HOME, no persisted session (removed afterwards).
  const session = openGovcSession();
  const cli: UploadContext['cli'] = {
    run: (file, args, options) => ctx.cli.run(file, args, { ...options, env: { ...options?.env, ...session.env } }),
    json: (file, args, options) => ctx.cli.json(file, args, { ...options, env: { ...options?.env, ...session.env } }),
  };
  try {
    if (fromCache) return await templateFromVcenter({ ...ctx, cli });
    return await importTemplate({ ...ctx, cli }, ova);
  } finally {
    session.dispose();
  }
}

async function importTemplate(ctx: UploadContext, ova: string): Promise<NonNullable<PublishedRecord['vsphere']>> {
  const up = ctx.upload.vsphere!;
  const path = templatePath(up);
  const { contentKey, version } = ctx.artifact;
  // govc vm.info exits 0 with {"VirtualMachines": null} when no VM is at the path; any failure is a real one.
  const info = await ctx.cli.run('govc', govcArgs.vmInfo(path), { allowFailure: true });
  if (info.exitCode !== 0) {
    const reason = govcFailureReason(info.stderr, info.stdout);
    throw new KilnError('GOVC_FAILED', `govc vm.info ${path} failed (exit code ${info.exitCode}): ${reason}`, { hint: govcHint(reason) });
  }
  const facts = parseVmInfo(info.stdout);
  if (facts.exists) {
    const same = facts.contentKey === contentKey && facts.version === version && facts.template;
    if (same) {
      ctx.say(
        `template ${path} already holds this build (VERSION ${version ?? 'none'}, content key ${shortKey(contentKey)}): nothing to import`,
      );
      await convergeAnnotation(ctx, path, facts.annotation ?? '');
      return { templatePath: path, templateName: up.templateName };
    }
    if (!ctx.replace) {
      throw new KilnError(
        'TEMPLATE_CONFLICT',
        `vSphere VM ${path} already exists with other content (${describeVm(facts)}); this build is VERSION ${version ?? 'none'}, content key ${shortKey(contentKey)}`,
        {
          hint: replaceHint(ctx.image, `destroy ${path} and import this build`, 'upload.vsphere.templateName'),
        },
      );
    }
    ctx.say(`--replace: destroying ${path} (${describeVm(facts)})`);
    await ctx.cli.run('govc', govcArgs.destroy(path));
  }

  const spec = await ctx.cli.json<Record<string, unknown>>('govc', govcArgs.importSpec(ova));
  const optionsFile = importOptionsFile(ctx.image);
  writeFileAtomic(join(ctx.workspaceRoot, optionsFile), stableJson(importOptions(spec ?? {}, up, ctx.image, contentKey, ctx.commit)));
  try {
    await ctx.cli.run('govc', govcArgs.importOva(up, optionsFile, ova), { echoOutput: true, timeoutMs: importTimeoutMs(ctx.env) });
    await ctx.cli.run('govc', govcArgs.markAsTemplate(path));
  } catch (e) {
    await destroyHalfImported(ctx, path);
    throw e;
  }
  ctx.say(`imported ${ova} as template ${path}`);
  return { templatePath: path, templateName: up.templateName };
}

/**
 * A template that already holds this build gets the commit line when the build recorded one, and loses a revocation
 * line image.yaml no longer declares (the image was restored); nothing is changed when the annotation says it all.
 */
export async function convergeAnnotation(ctx: UploadContext, path: string, current: string): Promise<void> {
  const wanted = withKilnLines(current, { commit: ctx.commit });
  if (wanted === current) return;
  const restored = current.split(/\r?\n/).some((l) => l.startsWith(REVOKED_MARKER));
  await ctx.cli.run('govc', govcArgs.annotate(path, wanted));
  ctx.say(
    `template ${path} annotated${ctx.commit ? ` with ${COMMIT_MARKER}${ctx.commit}` : ''}${restored ? ': the revocation image.yaml no longer declares is removed' : ''}`,
  );
}

function importTimeoutMs(env: NodeJS.ProcessEnv): number {
  return envNumber(env, 'KILN_GOVC_IMPORT_TIMEOUT_MINUTES', 120, { min: 0.001, max: 7 * 24 * 60, unit: 'minutes', decimal: true }) * 60_000;
}

export function planVsphere(
  image: string,
  up: VsphereUpload,
  contentKey: string,
  version: string | undefined,
): { commands: PlannedCommand[]; notes: string[] } {
  const path = templatePath(up);
  const ova = '<ova>';
  const options = importOptionsFile(image);
  const overlay = {
    ...(up.diskProvisioning ? { DiskProvisioning: up.diskProvisioning } : {}),
    'NetworkMapping[].Network': up.network ?? '(as import.spec says)',
    Annotation: `<the OVA's annotation>\n${annotation(image, contentKey, PLANNED_COMMIT)}`,
    MarkAsTemplate: false,
    PowerOn: false,
    InjectOvfEnv: false,
    WaitForIP: false,
    Name: up.templateName,
  };
  return {
    commands: [
      {
        argv: ['govc', ...govcArgs.vmInfo(path)],
        when: `always: an existing template with content key ${shortKey(contentKey)} and VERSION ${version ?? 'none'} is reused`,
      },
      {
        argv: ['govc', ...govcArgs.annotate(path, '<its annotation with kiln-commit=<commit>, without kiln-revoked=...>')],
        when: 'only when the template is reused and its annotation lacks this commit or still carries a revocation image.yaml no longer declares',
      },
      {
        argv: ['govc', ...govcArgs.destroy(path)],
        when: 'only with --replace, when the VM exists with other content (otherwise: stop with an error)',
      },
      { argv: ['govc', ...govcArgs.importSpec(ova)], when: 'only if the template is not there yet' },
      { argv: ['govc', ...govcArgs.importOva(up, options, ova)], when: 'only if the template is not there yet' },
      { argv: ['govc', ...govcArgs.markAsTemplate(path)], when: 'after the import' },
      {
        argv: ['govc', ...govcArgs.vmInfo(path)],
        when: "only if the import or markastemplate fails or is interrupted: is the VM there, and is it this upload's (content key)?",
      },
      { argv: ['govc', ...govcArgs.destroy(path)], when: 'then, if it is: no half-imported VM stays' },
    ],
    notes: [
      `<ova> = ova.path in ${artifactFile(image)} (its size and sha256 are checked first)`,
      `${PLANNED_COMMIT} = the git commit in the build's provenance.json (-dirty when tracked files differed); without a provenance record the annotation has no ${COMMIT_MARKER} line`,
      `${options} = the govc import.spec output with ${JSON.stringify(overlay)}`,
      `govc reads GOVC_URL, GOVC_USERNAME, GOVC_PASSWORD, GOVC_INSECURE from the environment (else mapped from ${VSPHERE_CREDENTIAL_ENV.join(', ')}, VSPHERE_INSECURE or ${VSPHERE_CREDENTIALS_FILE_ENV}); never from argv`,
      'every govc call runs with a private GOVMOMI_HOME (0700, removed afterwards) and GOVC_PERSIST_SESSION=false: no cached session is reused or left behind',
    ],
  };
}
