// Plan records for the image targets pull-bundle, build and upload, built from build-plan.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KilnError } from '@kiln/errors';
import { dockerBuildCommands, type BuildPlan } from '@kiln/render';
import type { KilnImage } from '@kiln/spec';
import { AZURE_CREDENTIAL_ENV, VSPHERE_CREDENTIAL_ENV, VSPHERE_CREDENTIALS_FILE_ENV } from './credential-env';
import type { PlanRecord } from './plan-record';
import { planAws } from './upload-aws';
import { planAzure } from './upload-azure';
import { kilnTags } from './upload-context';
import { planVsphere } from './upload-vsphere';

export function readBuildPlan(workspaceRoot: string, configPath: string): BuildPlan {
  const file = `${configPath}/build-plan.json`;
  try {
    return JSON.parse(readFileSync(join(workspaceRoot, file), 'utf8')) as BuildPlan;
  } catch {
    throw new KilnError('BUILD_PLAN_MISSING', `build plan not found: ${file}`, { file, hint: 'run the render-config target first (nx run <image>:render-config)' });
  }
}

/** Deterministic name of the shared resource-bundle container for a bundle image. */
export function bundleContainerName(bundleImage: string): string {
  const tag = bundleImage.split('/').pop()!.replace(/[^a-zA-Z0-9_.-]/g, '-');
  return `kiln-bundle-${tag}`;
}

export function planPullBundle(project: string, plan: BuildPlan): PlanRecord {
  const name = bundleContainerName(plan.bundleImage);
  return {
    target: 'pull-bundle',
    project,
    summary: `ensure the resource bundle ${plan.bundleImage} serves /files on a host port (one container per bundle image, shared)`,
    commands: [
      { argv: ['docker', 'image', 'inspect', plan.bundleImage], when: 'pull policy IfNotPresent' },
      { argv: ['docker', 'pull', plan.bundleImage], when: 'only if the image is not present' },
      { argv: ['docker', 'run', '-d', '--name', name, '-p', '<PORT>:3000', plan.bundleImage], when: `only if ${name} is not running and healthy` },
    ],
    notes: ['waits until http://<IP>:<PORT>/files/kubernetes answers, then records the endpoint for build'],
  };
}

export function planBuild(workspaceRoot: string, project: string, plan: BuildPlan, realConfigPath: string): PlanRecord {
  const container = `kiln-build-${project}-<run-id>`;
  const output = join(workspaceRoot, `dist/images/${project}/output`);
  const commands = dockerBuildCommands(plan, { workspace: workspaceRoot, config: join(workspaceRoot, realConfigPath), run: '$KILN_RUN_DIR' }, container, output);
  const notes = [
    `$KILN_RUN_DIR/tkg.json = ${realConfigPath}/tkg.json with <IP>:<PORT> replaced by the bundle endpoint`,
    'every mount is read-only; the container runs as the image\'s own user (image-builder: imagebuilder, uid 1000)',
  ];
  const into = plan.credentials.into;
  if (plan.credentials.kind === 'vsphere-json') {
    notes.push(`${into} (owner uid KILN_BUILDER_UID, mode 0600) is streamed into the container from ${VSPHERE_CREDENTIAL_ENV.join(', ')} or the file named by ${VSPHERE_CREDENTIALS_FILE_ENV}; no host file holds it`);
  } else if (plan.credentials.kind === 'aws-config') {
    notes.push(`${into}/config and ${into}/credentials (owner uid KILN_BUILDER_UID, mode 0600) are streamed into the container from ~/.aws`);
  } else {
    notes.push(`init-sig.sh logs in with ${AZURE_CREDENTIAL_ENV.join(', ')} into the container's own Azure config folder (never ~/.azure), removed with the container`);
  }
  for (const e of plan.envFromHost) notes.push(`--env ${e.name} takes its value from the host variable ${e.from} (never in argv)`);
  return {
    target: 'build',
    project,
    summary: `${plan.makeTarget} with ${plan.builderImage}`,
    commands: [
      { argv: ['docker', ...commands.create] },
      ...(commands.copyIn ? [{ argv: ['docker', ...commands.copyIn], when: 'stdin: a tar stream of the private credential files' }] : []),
      { argv: ['docker', ...commands.start] },
      ...(commands.copyOut ? [{ argv: ['docker', ...commands.copyOut], when: 'after a successful build (files owned by the user running Kiln)' }] : []),
      { argv: ['docker', ...commands.remove], when: 'always, also on failure or interrupt' },
    ],
    notes,
  };
}

export interface UploadPlanInput {
  project: string;
  plan: BuildPlan;
  upload: KilnImage['upload'];
  /** Content key of the rendered config (what artifact.json will carry). */
  contentKey: string;
}

/** Every govc/aws/az command upload runs, with placeholders for what only the build knows. */
export function planUpload(input: UploadPlanInput): PlanRecord {
  const { project, plan, upload, contentKey } = input;
  const tags = kilnTags(project, plan.version, plan.kubernetesSemver, contentKey);
  const steps =
    plan.infra === 'vsphere'
      ? planVsphere(project, upload.vsphere!, contentKey, plan.version)
      : plan.infra === 'aws'
        ? planAws(upload.aws!, tags)
        : planAzure(project, plan.os, upload.azure!, tags);
  return {
    target: 'upload',
    project,
    summary: `publish the ${plan.infra} artifact of ${project} (content key ${contentKey.slice(0, 12)}) idempotently and write dist/images/${project}/upload/published.json`,
    commands: steps.commands,
    notes: [...steps.notes, 'a conflicting object stops the upload with an error naming it; nx run <image>:upload --replace replaces it'],
  };
}
