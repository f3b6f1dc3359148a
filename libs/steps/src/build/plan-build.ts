// Plan record for build: the docker create / cp / start / cp / rm lines build-step.ts runs.
import { join } from 'node:path';
import {
  AZURE_CREDENTIAL_ENV,
  dockerBuildCommands,
  VSPHERE_CREDENTIAL_ENV,
  VSPHERE_CREDENTIALS_FILE_ENV,
  type BuildPlan,
} from '@kiln/render';
import { imageDist } from '@kiln/schema';
import { SBOM_FILE } from '@kiln/provenance';
import { KILN_ROOT } from '../shared/kiln-installation';
import type { PlanRecord } from '../shared/plan-record';
import { refuseRevokedBuild } from '../shared/revoked-image';
import { PROVENANCE_FILE } from './build-records';
import { GIT_STATUS_ARGS } from './git-source';

export function planBuild(workspaceRoot: string, project: string, plan: BuildPlan, realConfigPath: string): PlanRecord {
  refuseRevokedBuild(workspaceRoot, project);
  const container = `kiln-build-${project}-<run-id>`;
  const output = join(workspaceRoot, imageDist(project).output);
  const commands = dockerBuildCommands(
    plan,
    { workspace: workspaceRoot, config: join(workspaceRoot, realConfigPath), run: '$KILN_RUN_DIR', kiln: KILN_ROOT },
    container,
    output,
  );
  const build = imageDist(project).build;
  const notes = [
    `$KILN_RUN_DIR/tkg.json = ${realConfigPath}/tkg.json with <IP>:<PORT> replaced by the bundle endpoint`,
    "every mount is read-only; the container runs as the image's own user (image-builder: imagebuilder, uid 1000)",
  ];
  const into = plan.credentials.into;
  if (plan.credentials.kind === 'vsphere-json') {
    notes.push(
      `${into} (owner uid KILN_BUILDER_UID, mode 0600) is streamed into the container from ${VSPHERE_CREDENTIAL_ENV.join(', ')} or the file named by ${VSPHERE_CREDENTIALS_FILE_ENV}; no host file holds it`,
    );
  } else if (plan.credentials.kind === 'aws-config') {
    notes.push(
      `${into}/config and ${into}/credentials (owner uid KILN_BUILDER_UID, mode 0600) are streamed into the container from ~/.aws`,
    );
  } else {
    notes.push(
      `init-sig.sh logs in with ${AZURE_CREDENTIAL_ENV.join(', ')} into the container's own Azure config folder (never ~/.azure), removed with the container`,
    );
  }
  for (const e of plan.envFromHost) notes.push(`--env ${e.name} takes its value from the host variable ${e.from} (never in argv)`);
  notes.push(
    `${build}/${PROVENANCE_FILE} is written after a successful build: an in-toto statement with SLSA provenance (subjects from artifact.json; ` +
      `materials: the git commit and dirty flag from git rev-parse HEAD and git ${GIT_STATUS_ARGS.join(' ')}, sha256 of image.yaml, of the rendered ` +
      'config files and of the mounted bundle parts, the release pins, and the builder and bundle image digests from docker image inspect)',
    `${build}/${SBOM_FILE} is written after a successful build: a CycloneDX 1.6 SBOM of the packages the kiln-package-list role lists into ` +
      `${imageDist(project).output}/packages.tsv; both are cached with artifact.json`,
  );
  return {
    target: 'build',
    project,
    summary: `${plan.makeTarget} with ${plan.builderImage}`,
    commands: [
      { argv: ['docker', ...commands.create] },
      ...(commands.copyIn ? [{ argv: ['docker', ...commands.copyIn], when: 'stdin: a tar stream of the private credential files' }] : []),
      { argv: ['docker', ...commands.start] },
      ...(commands.copyOut
        ? [{ argv: ['docker', ...commands.copyOut], when: 'after a successful build (files owned by the user running Kiln)' }]
        : []),
      { argv: ['docker', ...commands.remove], when: 'always, also on failure or interrupt' },
    ],
    notes,
  };
}
