// vSphere upload of a build record that came from the Nx cache without its OVA (another runner built it): the record
// is trusted only together with vCenter, so the template must already hold this build (same content key and VERSION);
// otherwise upload stops and says how to rebuild here. It never publishes nothing silently.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KilnError } from '@kiln/errors';
import type { PublishedRecord } from '../../shared/published-record';
import { govcFailureReason } from './govc-session';
import { shortKey, type UploadContext } from '../upload-context';
import { templatePath } from './template-path';
import { convergeAnnotation, govcArgs, parseVmInfo } from './upload-vsphere';

/** True when artifact.json names an OVA that is not on this machine (the record came from a shared cache). */
export function ovaMissingOnRunner(ctx: UploadContext): boolean {
  const ova = ctx.artifact.ova;
  return ova !== undefined && !existsSync(join(ctx.workspaceRoot, ova.path));
}

export async function templateFromVcenter(ctx: UploadContext): Promise<NonNullable<PublishedRecord['vsphere']>> {
  const up = ctx.upload.vsphere!;
  const path = templatePath(up);
  const { contentKey, version } = ctx.artifact;
  const rebuild = `rebuild on this runner with nx run ${ctx.image}:build --skip-nx-cache, then run nx run ${ctx.image}:upload again (or run upload on the runner that built it)`;
  const info = await ctx.cli.run('govc', govcArgs.vmInfo(path), { allowFailure: true });
  if (info.exitCode !== 0) {
    const reason = govcFailureReason(info.stderr, info.stdout);
    throw new KilnError('GOVC_FAILED', `govc vm.info ${path} failed (exit code ${info.exitCode}): ${reason}`, {
      hint: 'check GOVC_URL, the credentials and upload.vsphere in image.yaml',
    });
  }
  const facts = parseVmInfo(info.stdout);
  if (facts.exists && facts.template && facts.contentKey === contentKey && facts.version === version) {
    ctx.say(
      `no OVA on this runner (the build record came from the cache): template ${path} already holds this build (VERSION ${version ?? 'none'}, content key ${shortKey(contentKey)}): nothing to import`,
    );
    await convergeAnnotation(ctx, path, facts.annotation ?? '');
    return { templatePath: path, templateName: up.templateName };
  }
  const found = facts.exists
    ? `${path} holds other content (VERSION ${facts.version ?? 'none'}, content key ${shortKey(facts.contentKey)}${facts.template ? '' : ', not a template'})`
    : `there is no VM at ${path}`;
  throw new KilnError(
    'OVA_NOT_ON_RUNNER',
    `the build record of ${ctx.image} (content key ${shortKey(contentKey)}) came from the Nx cache, but its OVA ${ctx.artifact.ova!.path} is not on this runner, and vCenter does not hold this build: ${found}`,
    { hint: rebuild },
  );
}
