// upload: publish what build produced (vSphere template, AMI copies and sharing, SIG version replication),
// idempotently by asking the cloud, and write dist/images/<name>/upload/published.json. Not cached. For a revoked
// image it publishes nothing: it applies the cloud's lifecycle to what published.json lists and records it there.
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { getRelease, loadCatalog } from '@kiln/catalog';
import { isKilnError, KilnError } from '@kiln/errors';
import { SECRET_ENV, stableJson } from '@kiln/render';
import { Redactor } from '@kiln/runner';
import { imageDist, loadImageSpec, readWorkspaceFile, type KilnImage, type KilnImageRevoked } from '@kiln/schema';
import { artifactFile, contentKey, type ArtifactRecord } from '../build/artifact-record';
import { writeFileAtomic } from '../shared/atomic-write';
import { kilnNow } from '../shared/clock';
import { imageSpecPath } from '../shared/load-image-context';
import { commitTag, provenanceFile, readBuildSource } from '../shared/provenance-source';
import type { PublishedRecord, RevocationApplied } from '../shared/published-record';
import { revocationAt, revokedSince } from '../shared/revoked-image';
import { uploadAws } from './aws/upload-aws';
import { uploadAzure } from './azure/upload-azure';
import { readPublishedForRevocation, revokePublished } from './revoke-published';
import { cloudCli, type CloudCli } from './upload-cli';
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

function readArtifact(workspaceRoot: string, project: string): ArtifactRecord {
  const file = artifactFile(project);
  if (!existsSync(join(workspaceRoot, file))) {
    throw new KilnError('ARTIFACT_MISSING', `image ${project} has not been built (${file} not found)`, {
      hint: `run nx run ${project}:build first`,
    });
  }
  try {
    return JSON.parse(readFileSync(join(workspaceRoot, file), 'utf8')) as ArtifactRecord;
  } catch {
    throw new KilnError('ARTIFACT_INVALID', `${file} is not valid JSON`, {
      file,
      hint: `rebuild: nx run ${project}:build --skip-nx-cache`,
    });
  }
}

/** What every CLI call of one upload run shares: the child environment (govc credentials mapped), redactor and log. */
interface CliRun {
  childEnv: Record<string, string | undefined>;
  redactor: Redactor;
  logFile: string;
}

function cliRun(spec: KilnImage, env: NodeJS.ProcessEnv, workspaceRoot: string, project: string): CliRun {
  const redactor = new Redactor(SECRET_ENV.map((n) => env[n]));
  const childEnv: Record<string, string | undefined> = { ...env };
  if (spec.infra === 'vsphere') {
    const govc = govcEnvironment(env, workspaceRoot);
    for (const s of govc.secrets) redactor.add(s);
    Object.assign(childEnv, govc.env);
  } else if (spec.infra === 'aws') {
    childEnv.AWS_PAGER = '';
  }
  const runId = randomBytes(4).toString('hex');
  return { childEnv, redactor, logFile: join(workspaceRoot, imageDist(project).logs, `upload-${runId}.log`) };
}

/** Progress lines: on the terminal and in the run's log, beside the commands' output. */
function sayer(echo: NodeJS.WritableStream, prefix: string, run: CliRun): (line: string) => void {
  return (line) => {
    const text = `${prefix}${run.redactor.redact(line)}\n`;
    echo.write(text);
    mkdirSync(dirname(run.logFile), { recursive: true });
    appendFileSync(run.logFile, text, { mode: 0o600 });
  };
}

/** A run's failure: an interrupt is INTERRUPTED (run upload again), anything else as it is. */
function interruptedError(e: unknown, sig: string | undefined, workspaceRoot: string, logFile: string): unknown {
  if (!sig) return e;
  return new KilnError('INTERRUPTED', `upload interrupted by ${sig}; run upload again to finish it`, {
    context: { log: relative(workspaceRoot, logFile), ...(isKilnError(e) ? { error: e.message } : {}) },
  });
}

function describe(record: PublishedRecord): string {
  if (record.vsphere) return `template ${record.vsphere.templatePath}`;
  if (record.aws)
    return `AMIs ${Object.entries(record.aws.amis)
      .map(([r, id]) => `${r}:${id}`)
      .join(', ')}`;
  return `image version ${record.azure!.sigImageVersionId}`;
}

export async function uploadStep(input: UploadInput): Promise<string> {
  const { workspaceRoot, project } = input;
  const env = input.env ?? process.env;
  const echo = input.echo ?? process.stdout;
  const prefix = `[${project}] `;
  const catalog = loadCatalog();
  const { spec } = loadImageSpec(imageSpecPath(project), readWorkspaceFile(workspaceRoot, imageSpecPath(project)), catalog);
  const revoked = revocationAt({ spec }, kilnNow(env));
  if (revoked) return revokedUpload(input, spec, revoked);
  const kubernetesSemver = getRelease(catalog, spec.release)!.kubernetesSemver;
  const artifact = readArtifact(workspaceRoot, project);
  if (artifact.image !== project || artifact.infra !== spec.infra) {
    throw new KilnError(
      'ARTIFACT_MISMATCH',
      `${artifactFile(project)} describes ${artifact.image} (${artifact.infra}), not ${project} (${spec.infra})`,
      {
        hint: `rebuild: nx run ${project}:build --skip-nx-cache`,
      },
    );
  }
  if (input.configPath && existsSync(join(workspaceRoot, input.configPath, 'build-plan.json'))) {
    const current = contentKey(join(workspaceRoot, input.configPath));
    if (current !== artifact.contentKey) {
      throw new KilnError('ARTIFACT_STALE', `${artifactFile(project)} was built from other config than ${input.configPath} holds now`, {
        hint: `build it again first: nx run ${project}:upload (without --excludeTaskDependencies) or nx run ${project}:build`,
      });
    }
  }
  const outputPath = input.outputPath ?? imageDist(project).upload;
  const published = join(workspaceRoot, outputPath, 'published.json');
  rmSync(published, { force: true });

  const run = cliRun(spec, env, workspaceRoot, project);
  const say = sayer(echo, prefix, run);
  const source = readBuildSource(workspaceRoot, project);
  if (!source.commit)
    say(`no provenance record with a git commit (${provenanceFile(project)}): the published objects get no kiln:commit tag`);

  return withInterrupts(async (signal, interrupted) => {
    const cli = cloudCli({ cwd: workspaceRoot, env: run.childEnv, signal, echo, prefix, logFile: run.logFile, redactor: run.redactor });
    const ctx: UploadContext = {
      workspaceRoot,
      image: project,
      upload: spec.upload,
      artifact,
      kubernetesSemver,
      commit: commitTag(source),
      replace: input.replace === true,
      cli,
      env,
      signal,
      say,
    };
    const record: PublishedRecord = {
      image: project,
      infra: spec.infra,
      os: spec.os,
      version: artifact.version,
      contentKey: artifact.contentKey,
    };
    try {
      if (spec.infra === 'vsphere') record.vsphere = await uploadVsphere(ctx);
      else if (spec.infra === 'aws') record.aws = await uploadAws(ctx);
      else record.azure = await uploadAzure(ctx);
    } catch (e) {
      throw interruptedError(e, interrupted(), workspaceRoot, run.logFile);
    }
    writeFileAtomic(published, stableJson(record));
    return `${prefix}published ${describe(record)} → ${relative(workspaceRoot, published)}`;
  });
}

/** The upload of a revoked image: the lifecycle applied to what published.json lists, recorded in it. */
async function revokedUpload(input: UploadInput, spec: KilnImage, revoked: KilnImageRevoked): Promise<string> {
  const { workspaceRoot, project } = input;
  const env = input.env ?? process.env;
  const echo = input.echo ?? process.stdout;
  const prefix = `[${project}] `;
  const outputPath = input.outputPath ?? imageDist(project).upload;
  const file = `${outputPath}/published.json`;
  const published = readPublishedForRevocation(workspaceRoot, project, spec, revoked, file);
  const run = cliRun(spec, env, workspaceRoot, project);
  const say = sayer(echo, prefix, run);
  say(`image ${project} is ${revokedSince(revoked)}: applying the cloud's lifecycle to what ${file} lists, publishing nothing`);

  return withInterrupts(async (signal, interrupted) => {
    const cli: CloudCli = cloudCli({
      cwd: workspaceRoot,
      env: run.childEnv,
      signal,
      echo,
      prefix,
      logFile: run.logFile,
      redactor: run.redactor,
    });
    let applied: RevocationApplied[];
    try {
      applied = await revokePublished({ workspaceRoot, image: project, published, revoked, cli, env, signal, say });
    } catch (e) {
      throw interruptedError(e, interrupted(), workspaceRoot, run.logFile);
    }
    const record: PublishedRecord = { ...published, revoked: { reason: revoked.reason, at: revoked.at, applied } };
    writeFileAtomic(join(workspaceRoot, file), stableJson(record));
    const what = applied.map((a) => `${a.region ? `${a.region}:` : ''}${a.object} ${a.lifecycle}`).join(', ');
    return `${prefix}revoked ${describe(record)}: ${what} → ${file}`;
  });
}
