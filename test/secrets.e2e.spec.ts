// Credentials given to Nx through the environment never reach dist/, the Nx cache, the workspace data, Nx's
// output or any git-tracked file, through render-config, the whole plan pipeline and failing real-mode builds.
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFiles } from './support/file-tree';
import { failedTasks, taskOutput } from './support/nx-output';
import { secretsIn, secretsInFiles, type Secrets } from './support/secret-scan';
import { createTempWorkspace, type CommandResult, type TempWorkspace } from './support/temp-workspace';

const IMAGES = [
  'amazon-2-aws',
  'photon-3-vsphere',
  'rhel-8-vsphere',
  'ubuntu-2004-aws-cis',
  'ubuntu-2004-aws-stig',
  'ubuntu-2004-azure-fips',
  'ubuntu-2004-vsphere-class',
  'ubuntu-2004-vsphere-gpu',
  'ubuntu-2004-vsphere-plan',
];
const CREDENTIAL_ENV = [
  'VSPHERE_SERVER',
  'VSPHERE_USERNAME',
  'VSPHERE_PASSWORD',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AZURE_SUBSCRIPTION_ID',
  'AZURE_TENANT_ID',
  'AZURE_CLIENT_ID',
  'AZURE_CLIENT_SECRET',
  'RHSM_USER',
  'RHSM_PASS',
];
const TAG = randomBytes(6).toString('hex');
/** One unique value per variable, e.g. kiln-secret-<random>-VSPHERE_PASSWORD. */
const SECRETS: Secrets = Object.fromEntries(CREDENTIAL_ENV.map((name) => [name, `kiln-secret-${TAG}-${name}`]));
/** Real-mode builds fail at their Docker preflight, before any pull, whatever the machine runs. */
const NO_DOCKER_HOST = 'unix:///nonexistent/kiln-e2e-docker.sock';
const STACK_FRAME = '    at ';

let ws: TempWorkspace;
const runs: { label: string; result: CommandResult }[] = [];

function nx(label: string, args: string[], extraEnv: Record<string, string> = {}): CommandResult {
  const result = ws.nx(args, { ...SECRETS, ...extraEnv });
  runs.push({ label, result });
  return result;
}

/** Every file of the workspace that is not a dependency or git's own store (dist/, .nx-e2e/, sources). */
function workspaceFiles(): string[] {
  return listFiles(ws.root, ws.root, (rel) => rel === 'node_modules' || rel === '.git');
}

beforeAll(() => {
  ws = createTempWorkspace();
});

afterAll(() => {
  ws?.dispose();
});

describe('credentials in the environment', () => {
  it('render-config, the plan pipeline and failing real-mode builds all run with every credential set', () => {
    expect(nx('render-config', ['run-many', '-t', 'render-config']).code).toBe(0);
    expect(nx('plan pipeline', ['run-many', '-t', 'upload', 'gen-cluster-config', '-c', 'plan']).code).toBe(0);

    const build = nx('real build', ['run-many', '-t', 'build'], { DOCKER_HOST: NO_DOCKER_HOST });
    expect(build.code).toBe(1);
    expect(failedTasks(build.stderr)).toEqual(IMAGES.map((n) => `${n}:build`));
    for (const name of IMAGES) {
      expect(taskOutput(build.stdout, `${name}:build`).split('\n')[0]).toBe(`${name}: the Docker daemon does not answer`);
    }
    for (const { result } of runs) expect(result.stdout + result.stderr).not.toContain(STACK_FRAME);
  });

  it('the file scan finds a planted value, in a text file in dist/ and in a binary file in the Nx cache', () => {
    const text = 'dist/planted-by-secrets-test.txt';
    const binary = join(ws.cacheDir, 'planted-by-secrets-test.bin');
    ws.write(text, `password=${SECRETS.VSPHERE_PASSWORD}\n`);
    writeFileSync(binary, Buffer.concat([Buffer.from([0, 255, 1, 254]), Buffer.from(SECRETS.RHSM_PASS!, 'latin1'), Buffer.from([0])]));
    try {
      expect(secretsInFiles([join(ws.root, 'dist'), ws.cacheDir], SECRETS)).toEqual([
        `${join(ws.root, text)}: VSPHERE_PASSWORD`,
        `${binary}: RHSM_PASS`,
      ]);
      expect(
        secretsInFiles(
          workspaceFiles().map((f) => join(ws.root, f)),
          SECRETS,
        ).sort(),
      ).toEqual([`${join(ws.root, text)}: VSPHERE_PASSWORD`, `${binary}: RHSM_PASS`].sort());
    } finally {
      ws.remove(text);
      rmSync(binary);
    }
  });

  it('leaves no credential in dist/, the Nx cache or the Nx workspace data', () => {
    const dirs = [join(ws.root, 'dist'), ws.cacheDir, ws.dataDir];
    // Not vacuous: the runs above filled all three.
    for (const dir of dirs) expect(listFiles(dir).length, dir).toBeGreaterThan(0);
    expect(secretsInFiles(dirs, SECRETS)).toEqual([]);
  });

  it("leaves no credential in Nx's output", () => {
    expect(runs.map((r) => r.label)).toEqual(['render-config', 'plan pipeline', 'real build']);
    expect(
      runs.flatMap(({ label, result }) => [
        ...secretsIn(result.stdout, SECRETS, `${label} stdout`),
        ...secretsIn(result.stderr, SECRETS, `${label} stderr`),
      ]),
    ).toEqual([]);
  });

  it('leaves no credential in any git-tracked or committable file, nor anywhere else in the workspace', () => {
    const committable = ws.git(['ls-files', '-z', '--cached', '--others', '--exclude-standard']).split('\0').filter(Boolean);
    expect(committable).toContain('images/rhel-8-vsphere/image.yaml');
    expect(
      secretsInFiles(
        committable.map((f) => join(ws.root, f)),
        SECRETS,
      ),
    ).toEqual([]);
    const everything = workspaceFiles();
    expect(everything).toEqual(expect.arrayContaining(committable));
    expect(
      secretsInFiles(
        everything.map((f) => join(ws.root, f)),
        SECRETS,
      ),
    ).toEqual([]);
  });
});
