// upload: publish what build produced (vSphere template, AMI copies and sharing, SIG version replication),
// idempotently by asking the cloud, and write dist/images/<name>/upload/published.json. Not cached.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { getRelease, loadCatalog } from '@kiln/catalog';
import { isKilnError, KilnError } from '@kiln/errors';
import { stableJson } from '@kiln/render';
import { Redactor } from '@kiln/runner';
import { loadImageSpec, readWorkspaceFile } from '@kiln/schema';
import { contentKey, type ArtifactRecord } from '../build/artifact-record';
import { writeFileAtomic } from '../shared/atomic-write';
import { AWS_CREDENTIAL_ENV, AZURE_CREDENTIAL_ENV } from '../shared/credential-env';
import { imageSpecPath } from '../shared/load-image-context';
import type { PublishedRecord } from '../shared/published-record';
import { uploadAws } from './aws/upload-aws';
import { uploadAzure } from './azure/upload-azure';
import { cloudCli } from './upload-cli';
import type { UploadContext } from './upload-context';
import { govcEnvironment, uploadVsphere } from './vsphere/upload-vsphere';
import { withInterrupts } from '../shared/with-interrupts';

export interface UploadInput {
  workspaceRoot: string;
  project: string;
  /** Folder of published.json (dist/images/<name>/upload). */
  outputPath?: string;
  /** Rendered config folder; when present, the artifact must have been built from exactly these files. */
  configPath?: string;
  /** Destroy/deregister/overwrite a conflicting template, AMI or tags instead of stopping. */
  replace?: boolean;
  echo?: NodeJS.WritableStream;
  /** Environment credentials and settings are read from, also given to the CLIs (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export function artifactFile(project: string): string {
  return `dist/images/${project}/build/artifact.json`;
}

export function readArtifact(workspaceRoot: string, project: string): ArtifactRecord {
  const file = artifactFile(project);
  if (!existsSync(join(workspaceRoot, file))) {
    throw new KilnError('ARTIFACT_MISSING', `image ${project} has not been built (${file} not found)`, { hint: `run nx run ${project}:build first` });
  }
  try {
    return JSON.parse(readFileSync(join(workspaceRoot, file), 'utf8')) as ArtifactRecord;
  } catch {
    throw new KilnError('ARTIFACT_INVALID', `${file} is not valid JSON`, { file, hint: `rebuild: nx run ${project}:build --skip-nx-cache` });
  }
}

function secretValues(env: NodeJS.ProcessEnv): Array<string | undefined> {
  return [...AWS_CREDENTIAL_ENV, ...AZURE_CREDENTIAL_ENV.filter((n) => n !== 'AZURE_SUBSCRIPTION_ID'), 'VSPHERE_PASSWORD', 'VSPHERE_USERNAME', 'GOVC_PASSWORD'].map((n) => env[n]);
}

function describe(record: PublishedRecord): string {
  if (record.vsphere) return `template ${record.vsphere.templatePath}`;
  if (record.aws) return `AMIs ${Object.entries(record.aws.amis).map(([r, id]) => `${r}:${id}`).join(', ')}`;
  return `image version ${record.azure!.sigImageVersionId}`;
}

export async function uploadStep(input: UploadInput): Promise<string> {
  const { workspaceRoot, project } = input;
  const env = input.env ?? process.env;
  const echo = input.echo ?? process.stdout;
  const prefix = `[${project}] `;
  const catalog = loadCatalog();
  const { spec } = loadImageSpec(imageSpecPath(project), readWorkspaceFile(workspaceRoot, imageSpecPath(project)), catalog);
  const kubernetesSemver = getRelease(catalog, spec.release)!.kubernetesSemver;
  const artifact = readArtifact(workspaceRoot, project);
  if (artifact.image !== project || artifact.infra !== spec.infra) {
    throw new KilnError('ARTIFACT_MISMATCH', `${artifactFile(project)} describes ${artifact.image} (${artifact.infra}), not ${project} (${spec.infra})`, {
      hint: `rebuild: nx run ${project}:build --skip-nx-cache`,
    });
  }
  if (input.configPath && existsSync(join(workspaceRoot, input.configPath, 'build-plan.json'))) {
    const current = contentKey(join(workspaceRoot, input.configPath));
    if (current !== artifact.contentKey) {
      throw new KilnError('ARTIFACT_STALE', `${artifactFile(project)} was built from other config than ${input.configPath} holds now`, {
        hint: `build it again first: nx run ${project}:upload (without --excludeTaskDependencies) or nx run ${project}:build`,
      });
    }
  }
  const outputPath = input.outputPath ?? `dist/images/${project}/upload`;
  const published = join(workspaceRoot, outputPath, 'published.json');
  rmSync(published, { force: true });

  const redactor = new Redactor(secretValues(env));
  const childEnv: Record<string, string | undefined> = { ...env };
  if (spec.infra === 'vsphere') {
    const govc = govcEnvironment(env, workspaceRoot);
    for (const s of govc.secrets) redactor.add(s);
    Object.assign(childEnv, govc.env);
  } else if (spec.infra === 'aws') {
    childEnv.AWS_PAGER = '';
  }
  const runId = randomBytes(4).toString('hex');
  const logFile = join(workspaceRoot, 'dist', 'images', project, 'logs', `upload-${runId}.log`);

  return withInterrupts(async (signal, interrupted) => {
    const cli = cloudCli({ cwd: workspaceRoot, env: childEnv, signal, echo, prefix, logFile, redactor });
    const ctx: UploadContext = {
      workspaceRoot,
      image: project,
      upload: spec.upload,
      artifact,
      kubernetesSemver,
      replace: input.replace === true,
      cli,
      env,
      signal,
      say: (line) => echo.write(`${prefix}${line}\n`),
    };
    const record: PublishedRecord = { image: project, infra: spec.infra, os: spec.os, version: artifact.version, contentKey: artifact.contentKey };
    try {
      if (spec.infra === 'vsphere') record.vsphere = await uploadVsphere(ctx);
      else if (spec.infra === 'aws') record.aws = await uploadAws(ctx);
      else record.azure = await uploadAzure(ctx);
    } catch (e) {
      const sig = interrupted();
      if (sig) {
        throw new KilnError('INTERRUPTED', `upload interrupted by ${sig}; run upload again to finish it`, {
          context: { log: relative(workspaceRoot, logFile), ...(isKilnError(e) ? { error: e.message } : {}) },
        });
      }
      throw e;
    }
    writeFileAtomic(published, stableJson(record));
    return `${prefix}published ${describe(record)} → ${relative(workspaceRoot, published)}`;
  });
}
