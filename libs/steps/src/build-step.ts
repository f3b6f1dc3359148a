// build: run the image-builder container exactly as build-plan.json says, with a private per-run
// tkg.json (bundle endpoint filled in) and private credentials; Ctrl-C/SIGTERM removes the container.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { KilnError } from '@kiln/errors';
import { dockerRunArgs, stableJson } from '@kiln/render';
import { armReaper, ensureImage, removeContainer, requireDocker, runCommand } from '@kiln/runner';
import { amisFromLog, amisFromManifest, contentKey, findFiles, sha256File, sigVersionFromLog, type ArtifactRecord } from './artifact-record';
import { writeFileAtomic } from './atomic-write';
import { readEndpoint } from './bundle-endpoint';
import { prepareCredentials } from './build-credentials';
import { BuildProgress } from './build-progress';
import { loadImageContext } from './load-image-context';
import { bundleContainerName, readBuildPlan } from './plan-image-steps';
import { pullBundleStep } from './pull-bundle-step';
import type { KilnSettings } from './workspace-settings';
import { withInterrupts } from './with-interrupts';

export interface BuildInput {
  workspaceRoot: string;
  project: string;
  configPath: string;
  /** Nx output folder for artifact.json (dist/images/<name>/build). */
  outputPath: string;
  settings: KilnSettings;
  echo?: NodeJS.WritableStream;
  /** Default 4 h (KILN_BUILD_TIMEOUT_MINUTES). */
  timeoutMs?: number;
  heartbeatMs?: number;
}

export function outputDir(project: string): string {
  return `dist/images/${project}/output`;
}

export async function buildStep(input: BuildInput): Promise<string> {
  const { workspaceRoot, project, settings } = input;
  const echo = input.echo ?? process.stdout;
  const prefix = `[${project}] `;
  const ctx = loadImageContext(workspaceRoot, project, settings);
  const plan = readBuildPlan(workspaceRoot, input.configPath);
  const artifactFile = join(workspaceRoot, input.outputPath, 'artifact.json');
  rmSync(artifactFile, { force: true });

  return withInterrupts(async (signal, interrupted) => {
    await requireDocker(signal);
    echo.write(prefix + (await pullBundleStep({ workspaceRoot, project, configPath: input.configPath, settings, signal, echo })) + '\n');
    const endpoint = readEndpoint(workspaceRoot, bundleContainerName(plan.bundleImage), project);
    await ensureImage(plan.builderImage, settings.pullPolicy, { signal, echo, prefix });

    const runId = randomBytes(4).toString('hex');
    const container = `kiln-build-${project}-${runId}`;
    const logFile = join(workspaceRoot, 'dist', 'images', project, 'logs', `build-${runId}.log`);
    const runDir = mkdtempSync(join(tmpdir(), 'kiln-run-'));
    const credentials = prepareCredentials(plan, ctx.spec, workspaceRoot);
    const output = join(workspaceRoot, outputDir(project));
    const timeoutMs = input.timeoutMs ?? Number(process.env.KILN_BUILD_TIMEOUT_MINUTES ?? 240) * 60_000;
    // Nx answers Ctrl-C by signalling the docker CLI and SIGKILLing this process a few seconds later, so
    // finally blocks may never run: a detached reaper removes the container and private folders then.
    const reaper = armReaper({ containers: [container], paths: [credentials.dir, runDir], leaseDir: runDir, maxLifetimeMs: timeoutMs + 3_600_000 });
    const dropSecrets = () => credentials.cleanup();
    signal.addEventListener('abort', dropSecrets, { once: true });
    let started = false;
    const progress = new BuildProgress((t) => echo.write(t), prefix);
    const timer = setInterval(() => progress.heartbeat(), input.heartbeatMs ?? 60_000);
    timer.unref();
    try {
      const tkgJson = readFileSync(join(workspaceRoot, input.configPath, 'tkg.json'), 'utf8');
      writeFileSync(join(runDir, 'tkg.json'), tkgJson.split('<IP>:<PORT>').join(`${endpoint.address}:${endpoint.hostPort}`));
      rmSync(output, { recursive: true, force: true });
      mkdirSync(output, { recursive: true });
      const args = dockerRunArgs(
        plan,
        {
          workspace: workspaceRoot,
          config: join(workspaceRoot, input.configPath),
          run: runDir,
          credentials: credentials.dir,
          output,
          home: process.env.HOME ?? homedir(),
        },
        container,
      );
      echo.write(`${prefix}running ${plan.makeTarget} in ${container} (log: ${relative(workspaceRoot, logFile)})\n`);
      started = true;
      const lines: string[] = [];
      await runCommand({
        file: 'docker',
        args,
        env: credentials.env,
        timeoutMs,
        signal,
        prefix,
        echo,
        logFile,
        redactor: credentials.redactor,
        onLine: (l) => {
          lines.push(l);
          if (lines.length > 5000) lines.shift();
          progress.line(l);
        },
      }).catch((e) => {
        if (interrupted()) {
          throw new KilnError('INTERRUPTED', `build interrupted by ${interrupted()}; container ${container} removed`, { context: { log: relative(workspaceRoot, logFile) } });
        }
        throw e;
      });
      const record = await artifactRecord(input, plan, lines, output);
      writeFileAtomic(artifactFile, stableJson(record));
      return `${prefix}built ${describe(record)} in ${progress.elapsed()} → ${input.outputPath}/artifact.json`;
    } finally {
      clearInterval(timer);
      signal.removeEventListener('abort', dropSecrets);
      credentials.cleanup();
      if (started) await removeContainer(container);
      rmSync(runDir, { recursive: true, force: true });
      reaper.disarm();
    }
  });
}

function describe(record: ArtifactRecord): string {
  if (record.ova) return `OVA ${record.ova.path} (VERSION ${record.version})`;
  if (record.amis) return `AMI ${Object.entries(record.amis).map(([r, id]) => `${r}:${id}`).join(', ')}`;
  return `SIG image version ${record.sigImageVersionId}`;
}

async function artifactRecord(input: BuildInput, plan: ReturnType<typeof readBuildPlan>, lines: string[], output: string): Promise<ArtifactRecord> {
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
    new KilnError('ARTIFACT_MISSING', `the build finished but produced no ${what}`, { hint: 'look at the end of the build log', context: { output: relative(input.workspaceRoot, output) } });
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
