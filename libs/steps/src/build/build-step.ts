// build: create the image-builder container exactly as build-plan.json says, copy the credentials into
// it, run it attached, copy its output out, record provenance and the SBOM; Ctrl-C/SIGTERM removes the container.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { KilnError } from '@kiln/errors';
import { dockerBuildCommands, stableJson, type PathTokens } from '@kiln/render';
import { armReaper, ensureImage, imageDigests, removeContainer, requireDocker, runCommand } from '@kiln/runner';
import { imageDist } from '@kiln/schema';
import {
  amisFromLog,
  amisFromManifest,
  contentKey,
  findFiles,
  sha256File,
  sigVersionFromLog,
  type ArtifactRecord,
} from './artifact-record';
import { writeFileAtomic } from '../shared/atomic-write';
import { readEndpoint } from '../pull-bundle/bundle-endpoint';
import { prepareCredentials } from './build-credentials';
import { formatBuildFailureSummary, summarizeBuildFailure } from './build-failure-summary';
import { BuildProgress } from './build-progress';
import { BUILD_RECORD_FILES, buildInputDigests, buildRecords, type BuildInputDigests } from './build-records';
import { gitSource, type GitSource } from './git-source';
import { KILN_ROOT, kilnVersion } from '../shared/kiln-installation';
import { envNumber } from '../shared/kiln-env';
import { loadImageContext } from '../shared/load-image-context';
import { bundleContainerName } from '../pull-bundle/plan-pull-bundle';
import { readBuildPlan } from '../shared/build-plan-file';
import { pullBundleStep } from '../pull-bundle/pull-bundle-step';
import type { KilnSettings } from '../shared/workspace-settings';
import { withInterrupts } from '../shared/with-interrupts';
import { refuseRevokedBuild } from '../shared/revoked-image';

export interface BuildInput {
  workspaceRoot: string;
  project: string;
  configPath: string;
  /** Nx output folder for artifact.json, provenance.json and sbom.cdx.json (dist/images/<name>/build). */
  outputPath: string;
  settings: KilnSettings;
  echo?: NodeJS.WritableStream;
  /** Default 4 h (KILN_BUILD_TIMEOUT_MINUTES). */
  timeoutMs?: number;
  heartbeatMs?: number;
}

export async function buildStep(input: BuildInput): Promise<string> {
  const { workspaceRoot, project, settings } = input;
  const echo = input.echo ?? process.stdout;
  const prefix = `[${project}] `;
  refuseRevokedBuild(workspaceRoot, project);
  const ctx = loadImageContext(workspaceRoot, project, settings);
  const plan = readBuildPlan(workspaceRoot, input.configPath);
  const artifactFile = join(workspaceRoot, input.outputPath, 'artifact.json');
  rmSync(artifactFile, { force: true });
  for (const name of BUILD_RECORD_FILES) rmSync(join(workspaceRoot, input.outputPath, name), { force: true });
  const timeoutMs = input.timeoutMs ?? buildTimeoutMs();

  return withInterrupts(async (signal, interrupted) => {
    await requireDocker(signal);
    // Checked before anything starts: a missing credential costs no bundle and no container.
    const credentials = prepareCredentials(plan, ctx.spec, workspaceRoot);
    // The commit provenance.json names, read as the build starts: a workspace that is no git checkout stops here.
    const source = await gitSource(workspaceRoot, signal);
    echo.write(prefix + (await pullBundleStep({ workspaceRoot, project, configPath: input.configPath, settings, signal, echo })) + '\n');
    const endpoint = readEndpoint(workspaceRoot, bundleContainerName(plan.bundleImage), project);
    await ensureImage(plan.builderImage, settings.pullPolicy, { signal, echo, prefix });

    const runId = randomBytes(4).toString('hex');
    const container = `kiln-build-${project}-${runId}`;
    const logFile = join(workspaceRoot, imageDist(project).logs, `build-${runId}.log`);
    const runDir = mkdtempSync(join(tmpdir(), 'kiln-run-'));
    const output = join(workspaceRoot, imageDist(project).output);
    // Nx answers Ctrl-C by signalling the docker CLI and SIGKILLing this process a few seconds later, so
    // finally blocks may never run: a detached reaper removes the container and the run folder then.
    const reaper = armReaper({ containers: [container], paths: [runDir], leaseDir: runDir, maxLifetimeMs: timeoutMs + 3_600_000 });
    let created = false;
    const progress = new BuildProgress((t) => echo.write(t), prefix);
    const timer = setInterval(() => progress.heartbeat(), input.heartbeatMs ?? 60_000);
    timer.unref();
    const docker = (args: string[], extra: Partial<Parameters<typeof runCommand>[0]> = {}) =>
      runCommand({ file: 'docker', args, timeoutMs: 10 * 60_000, signal, logFile, redactor: credentials.redactor, ...extra });
    try {
      const tkgJson = readFileSync(join(workspaceRoot, input.configPath, 'tkg.json'), 'utf8');
      writeFileSync(join(runDir, 'tkg.json'), tkgJson.split('<IP>:<PORT>').join(`${endpoint.address}:${endpoint.hostPort}`), {
        mode: 0o644,
      });
      // Every build starts from an empty output folder: a stale OVA is never picked up.
      rmSync(output, { recursive: true, force: true });
      const tokens: PathTokens = { workspace: workspaceRoot, config: join(workspaceRoot, input.configPath), run: runDir, kiln: KILN_ROOT };
      const commands = dockerBuildCommands(plan, tokens, container, output);
      // What the builder is about to read, hashed before it starts (provenance.json's materials).
      const inputs = buildInputDigests(tokens, project, input.configPath, plan, ctx.bundleDir);
      const startedOn = new Date();
      echo.write(`${prefix}running ${plan.makeTarget} in ${container} (log: ${relative(workspaceRoot, logFile)})\n`);
      created = true;
      await docker(commands.create);
      if (commands.copyIn && credentials.archive) await docker(commands.copyIn, { input: credentials.archive });
      const lines: string[] = [];
      await docker(commands.start, {
        env: credentials.env,
        timeoutMs,
        prefix,
        echo,
        onLine: (l) => {
          lines.push(l);
          if (lines.length > 2 * KEPT_LINES) lines.splice(0, lines.length - KEPT_LINES);
          progress.line(l);
        },
      }).catch((e) => {
        if (interrupted()) {
          throw new KilnError('INTERRUPTED', `build interrupted by ${interrupted()}; container ${container} removed`, {
            context: { log: relative(workspaceRoot, logFile) },
          });
        }
        // Before the error and its log tail: the phase, the failing Ansible task or goss checks, the log.
        const summary = formatBuildFailureSummary(
          summarizeBuildFailure(lines.slice(-KEPT_LINES), { logPath: relative(workspaceRoot, logFile) }),
        );
        echo.write(
          summary
            .split('\n')
            .map((l) => `${prefix}${l}\n`)
            .join(''),
        );
        throw e;
      });
      if (commands.copyOut) {
        mkdirSync(output, { recursive: true });
        // docker cp writes the files as the user running Kiln: they stay theirs to read and remove.
        await docker(commands.copyOut, { timeoutMs: 60 * 60_000 });
      }
      const record = await artifactRecord(input, plan, lines, output);
      // provenance.json and sbom.cdx.json first: artifact.json, written last, marks a complete build.
      await writeBuildRecords(input, { plan, record, inputs, source, release: ctx.release, startedOn, output, signal });
      writeFileAtomic(artifactFile, stableJson(record));
      return `${prefix}built ${describe(record)} in ${progress.elapsed()} → ${input.outputPath}/artifact.json`;
    } finally {
      clearInterval(timer);
      if (created) await removeContainer(container);
      rmSync(runDir, { recursive: true, force: true });
      reaper.disarm();
    }
  });
}

/** Output lines kept for the artifact ids and the failure summary: enough for goss's JSON report of a few hundred checks. */
const KEPT_LINES = 20_000;

interface RecordsContext {
  plan: ReturnType<typeof readBuildPlan>;
  record: ArtifactRecord;
  inputs: BuildInputDigests;
  source: GitSource;
  release: ReturnType<typeof loadImageContext>['release'];
  startedOn: Date;
  /** Host folder the output was copied to. */
  output: string;
  signal: AbortSignal;
}

/** Writes provenance.json and sbom.cdx.json (validated) into the build folder, with the images' digests as Docker reports them. */
async function writeBuildRecords(input: BuildInput, c: RecordsContext): Promise<void> {
  const image = async (ref: string) => ({ ref, ...(await imageDigests(ref, c.signal)) });
  const files = await buildRecords({
    workspaceRoot: input.workspaceRoot,
    plan: c.plan,
    record: c.record,
    inputs: c.inputs,
    release: c.release,
    source: c.source,
    builderImage: await image(c.plan.builderImage),
    bundleImage: await image(c.plan.bundleImage),
    kilnVersion: kilnVersion(),
    invocationId: randomUUID(),
    startedOn: c.startedOn,
    finishedOn: new Date(c.record.builtAt),
    outputDir: c.output,
    buildPath: input.outputPath,
  });
  for (const [name, text] of Object.entries(files)) writeFileAtomic(join(input.workspaceRoot, input.outputPath, name), text);
}

/** KILN_BUILD_TIMEOUT_MINUTES (default 240) in milliseconds. */
export function buildTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  return envNumber(env, 'KILN_BUILD_TIMEOUT_MINUTES', 240, { min: 1, max: 7 * 24 * 60, unit: 'minutes' }) * 60_000;
}

function describe(record: ArtifactRecord): string {
  if (record.ova) return `OVA ${record.ova.path} (VERSION ${record.version})`;
  if (record.amis)
    return `AMI ${Object.entries(record.amis)
      .map(([r, id]) => `${r}:${id}`)
      .join(', ')}`;
  return `SIG image version ${record.sigImageVersionId}`;
}

async function artifactRecord(
  input: BuildInput,
  plan: ReturnType<typeof readBuildPlan>,
  lines: string[],
  output: string,
): Promise<ArtifactRecord> {
  const base: ArtifactRecord = {
    image: input.project,
    infra: plan.infra,
    os: plan.os,
    release: plan.release,
    version: plan.version,
    builderImage: plan.builderImage,
    bundleImage: plan.bundleImage,
    makeTarget: plan.makeTarget,
    contentKey: contentKey(join(input.workspaceRoot, input.configPath)),
    builtAt: new Date().toISOString(),
  };
  const missing = (what: string) =>
    new KilnError('ARTIFACT_MISSING', `the build finished but produced no ${what}`, {
      hint: 'look at the end of the build log',
      context: { output: relative(input.workspaceRoot, output) },
    });
  if (plan.infra === 'vsphere') {
    const ova = findFiles(output, '.ova')[0];
    if (!ova) throw missing('.ova file');
    return { ...base, ova: { path: relative(input.workspaceRoot, ova), sha256: await sha256File(ova), size: statSync(ova).size } };
  }
  if (plan.infra === 'aws') {
    const manifest = join(output, 'manifest.json');
    const amis = existsSync(manifest) ? amisFromManifest(readFileSync(manifest, 'utf8')) : amisFromLog(lines);
    if (Object.keys(amis).length === 0) throw missing('AMI (no manifest.json and no "AMIs were created" lines)');
    return { ...base, amis };
  }
  const sig = sigVersionFromLog(lines);
  if (!sig) throw missing('Shared Image Gallery image version id');
  return { ...base, sigImageVersionId: sig };
}
