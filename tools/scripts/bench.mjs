#!/usr/bin/env node
// Measures Kiln's Nx scale claims in throw-away workspaces, each against a baseline measured in the same run:
// mostly Nx's own floor (the same projects as static project.json files with nx:run-commands targets, no plugin).
// Usage: node tools/scripts/bench.mjs [--images N[,N…]] [--quick] [--skip-unbatched] [--unbatched-subset M]
//        [--process-subset P] [--plan-subset Q] [--runs R] [--keep]
// Prints one table per catalog size and writes dist/bench/results.json and dist/bench/table-<N>.md. See BENCH.md.
import { $ } from 'zx';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT_DIR = join(REPO, 'dist', 'bench');
const require = createRequire(import.meta.url);

// ---------------------------------------------------------------------------------------------- options

function parseOptions(argv) {
  const opts = {
    images: [100, 1000],
    quick: false,
    skipUnbatched: false,
    unbatchedSubset: 100,
    processSubset: 20,
    planSubset: 10,
    runs: 3,
    keep: false,
  };
  const given = new Set();
  const numeric = {
    '--unbatched-subset': 'unbatchedSubset',
    '--process-subset': 'processSubset',
    '--plan-subset': 'planSubset',
    '--runs': 'runs',
  };
  const positive = (flag, raw) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) usage(`${flag} needs a positive integer (got ${raw})`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    if (flag === '--quick') opts.quick = true;
    else if (flag === '--skip-unbatched') opts.skipUnbatched = true;
    else if (flag === '--keep') opts.keep = true;
    else if (flag === '--images') {
      const raw = inline ?? argv[++i];
      opts.images = String(raw)
        .split(',')
        .map((x) => positive(flag, x));
      given.add('images');
    } else if (numeric[flag]) {
      opts[numeric[flag]] = positive(flag, inline ?? argv[++i]);
      given.add(numeric[flag]);
    } else usage(`unknown option ${argv[i]}`);
  }
  if (opts.quick) {
    const smoke = { images: [50], unbatchedSubset: 10, processSubset: 5, planSubset: 3, runs: 2 };
    for (const [key, value] of Object.entries(smoke)) if (!given.has(key)) opts[key] = value;
  }
  return opts;
}

function usage(problem) {
  console.error(
    `bench: ${problem}\nusage: node tools/scripts/bench.mjs [--images N[,N…]] [--quick] [--skip-unbatched] [--unbatched-subset M] [--process-subset P] [--plan-subset Q] [--runs R] [--keep]`,
  );
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------- timing

const now = () => performance.now();

function median(values) {
  const s = [...values].filter((v) => v !== null && v !== undefined).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Times `body` up to `runs` times (fewer once `budgetMs` is spent), running the untimed `reset` before each run.
 * Returns the median and every run, in milliseconds.
 */
async function measure(body, { runs, budgetMs = Infinity, reset }) {
  const runsMs = [];
  const started = now();
  let last;
  for (let r = 0; r < runs; r++) {
    if (reset) await reset();
    const t = now();
    last = await body();
    runsMs.push(round(now() - t));
    if (now() - started > budgetMs) break;
  }
  return { medianMs: round(median(runsMs)), runsMs, last };
}

/** Runs the named bodies interleaved (A B A B …), `runs` times, after one untimed warm-up each. */
async function paired(bodies, runs) {
  const out = Object.fromEntries(Object.keys(bodies).map((k) => [k, { runsMs: [], rssKiB: [], last: undefined }]));
  for (const body of Object.values(bodies)) await body();
  for (let r = 0; r < runs; r++) {
    for (const [key, body] of Object.entries(bodies)) {
      const t = now();
      const result = await body();
      out[key].runsMs.push(round(now() - t));
      if (result?.rssKiB) out[key].rssKiB.push(result.rssKiB);
      out[key].last = result;
    }
  }
  for (const v of Object.values(out)) {
    v.medianMs = round(median(v.runsMs));
    v.medianRssMiB = v.rssKiB.length ? round(median(v.rssKiB) / 1024) : null;
  }
  return out;
}

const round = (x, digits = 1) => (x === null || x === undefined ? null : Math.round(x * 10 ** digits) / 10 ** digits);

// ---------------------------------------------------------------------------------------------- workspaces

/** A temporary copy of the repository (git-visible files only), with its own Nx cache and workspace data. */
async function createWorkspace(label) {
  const root = mkdtempSync(join(tmpdir(), `kiln-bench-${label}-`));
  const ws = join(root, 'ws');
  const files = (await $({ cwd: REPO, quiet: true })`git ls-files --cached --others --exclude-standard`).stdout.split('\n').filter(Boolean);
  for (const file of files) {
    if (!existsSync(join(REPO, file))) continue; // deleted in the working tree
    mkdirSync(dirname(join(ws, file)), { recursive: true });
    cpSync(join(REPO, file), join(ws, file));
  }
  symlinkSync(join(REPO, 'node_modules'), join(ws, 'node_modules'), 'dir');
  const cacheDir = join(root, 'nx-cache');
  const dataDir = join(root, 'nx-data');
  // Both Kiln and the floor run with NX_ISOLATE_PLUGINS=false (Kiln's workspace .env).
  const env = {
    ...withoutNxEnv(process.env),
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    NX_ISOLATE_PLUGINS: 'false',
    NX_CACHE_DIRECTORY: cacheDir,
    NX_WORKSPACE_DATA_DIRECTORY: dataDir,
  };
  delete env.KILN_NOW;
  return { label, root, ws, cacheDir, dataDir, env };
}

function withoutNxEnv(env) {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('NX_')));
}

async function gitCommit(ws) {
  const git = $({ cwd: ws, quiet: true });
  await git`git init -q`;
  await git`git add -A`;
  await git`git -c user.name=kiln-bench -c user.email=bench@kiln.invalid -c commit.gpgsign=false commit -q -m bench`;
}

function sampleImages(ws) {
  return readdirSync(join(ws, 'images'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(ws, 'images', d.name, 'image.yaml')))
    .map((d) => d.name)
    .sort();
}

/** Every Kiln spec file of a workspace (what the plugin's createNodes glob matches). */
function specFiles(ws) {
  const out = [];
  for (const [dir, file] of [
    ['images', 'image.yaml'],
    ['tkrs', 'tkr.yaml'],
    ['clusters', 'cluster.yaml'],
  ]) {
    if (!existsSync(join(ws, dir))) continue;
    for (const d of readdirSync(join(ws, dir), { withFileTypes: true }))
      if (d.isDirectory() && existsSync(join(ws, dir, d.name, file))) out.push(`${dir}/${d.name}/${file}`);
  }
  return out.sort();
}

// ---------------------------------------------------------------------------------------------- image generation

const REFRESH = ['30d', '14d', '12h'];
const PACKAGES = ['jq', 'tcpdump', 'htop', 'strace', 'rsync'];
const AWS_REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];
const AZURE_LOCATIONS = ['westeurope', 'northeurope', 'eastus2'];
const DISK = ['thin', 'thick', 'eagerZeroedThick'];

/** Variant `i` of a sample image: same infra/os (so it stays valid), different options, so every render differs. */
function benchImage(sample, i) {
  const s = structuredClone(sample);
  const k = Math.floor(i / 9);
  s.refresh = REFRESH[i % REFRESH.length];
  const extra = PACKAGES.filter((_, bit) => (i >> bit) & 1);
  if (extra.length) s.extraPackages = [...new Set([...(s.extraPackages ?? []), ...extra])];
  if (i % 4 === 0) s.packerVars = { ...(s.packerVars ?? {}), kiln_bench_id: `bench-${i}` };
  if (s.os === 'ubuntu-2004') {
    if (i % 7 === 0) s.fips = true;
    if (i % 5 === 0 && !s.proxy) s.proxy = { http: `http://proxy-${k % 4}.bench.invalid:3128`, noProxy: ['localhost', '10.0.0.0/8'] };
    for (const flags of [s.hardening?.cis, s.hardening?.stig].filter(Boolean)) {
      Object.keys(flags).forEach((flag, bit) => (flags[flag] = Boolean(((i >> bit) ^ bit) & 1)));
    }
  }
  if (s.infra === 'vsphere') {
    const u = s.upload.vsphere;
    u.templateName = `bench-${i}-${u.templateName}`;
    u.folder = `${u.folder}/bench-${k % 10}`;
    u.diskProvisioning = DISK[i % DISK.length];
    if (s.vsphere.clusterType === 'plan') s.vsphere.version = `v1.26.5+vmware.1-bench.${i}`;
  } else if (s.infra === 'aws') {
    const u = s.upload.aws;
    u.region = AWS_REGIONS[i % AWS_REGIONS.length];
    if (i % 2) u.copyToRegions = [AWS_REGIONS[(i + 1) % AWS_REGIONS.length]];
    u.shareWithAccounts = [String(100000000000 + i)];
  } else if (s.infra === 'azure') {
    const u = s.upload.azure;
    u.location = AZURE_LOCATIONS[i % AZURE_LOCATIONS.length];
    u.replicationRegions = [AZURE_LOCATIONS[(i + 1) % AZURE_LOCATIONS.length]];
  }
  return s;
}

/** Writes images/bench-<i>/image.yaml for i < count into each workspace (the same files in all of them). */
function generateImages(workspaces, count) {
  const ws0 = workspaces[0].ws;
  const samples = sampleImages(ws0).map((name) => ({
    name,
    spec: parseYaml(readFileSync(join(ws0, 'images', name, 'image.yaml'), 'utf8')),
  }));
  const names = [];
  for (let i = 0; i < count; i++) {
    const sample = samples[i % samples.length];
    const name = `bench-${i}`;
    const header = `# Generated by tools/scripts/bench.mjs: variant ${i} of images/${sample.name}.\n`;
    const text = header + stringifyYaml(benchImage(sample.spec, i));
    for (const w of workspaces) {
      mkdirSync(join(w.ws, 'images', name), { recursive: true });
      writeFileSync(join(w.ws, 'images', name, 'image.yaml'), text);
    }
    names.push(name);
  }
  return { names, samples: samples.map((s) => s.name) };
}

// ---------------------------------------------------------------------------------------------- Nx's floor

const FLOOR_TASK = `// One node process per task: what a task costs when Nx runs a command for it (the bench's floor).
const { mkdirSync, writeFileSync } = require('node:fs');
const [dir, id] = process.argv.slice(2);
mkdirSync(dir, { recursive: true });
writeFileSync(dir + '/floor.txt', id + '\\n');
`;

const FLOOR_OUTPUTS = 'bench-outputs';

/** Copies what Kiln's tasks wrote under `dir` (e.g. dist/plan) into the floor's bench-outputs/, for its commands. */
function shareOutputs(kiln, floor, dir) {
  const from = join(kiln.ws, dir);
  if (existsSync(from)) cpSync(from, join(floor.ws, FLOOR_OUTPUTS, dir), { recursive: true });
}

/** An nx:run-commands twin of a Kiln target: same cache flag, inputs, outputs and dependsOn; a trivial command. */
function floorTarget(project, targetName, target) {
  // A shell line per task that writes the same files Kiln's task wrote (copied from Kiln's workspace into
  // bench-outputs/ after its cold run), so a cache hit restores the same bytes in both; render-config's `node`
  // configuration runs one node process per task instead (the baseline of the cold render row).
  const command = (outputPath, id) =>
    outputPath ? `mkdir -p ${outputPath} && cp -R ${FLOOR_OUTPUTS}/${outputPath}/. ${outputPath}/` : `echo ${id}`;
  const out = {
    executor: 'nx:run-commands',
    cache: target.cache,
    options: {
      outputPath: target.options?.outputPath,
      command: command(target.options?.outputPath, `${project}:${targetName}`),
      forwardAllArgs: false,
    },
  };
  for (const key of ['inputs', 'outputs', 'dependsOn']) if (target[key]) out[key] = target[key];
  if (target.configurations) {
    out.configurations = Object.fromEntries(
      Object.entries(target.configurations).map(([c, conf]) => {
        const outputPath = conf.outputPath ?? target.options?.outputPath;
        return [c, { outputPath, command: command(outputPath, `${project}:${targetName}:${c}`) }];
      }),
    );
  }
  if (targetName === 'render-config') {
    out.configurations = {
      ...out.configurations,
      node: { command: `node bench-floor-task.cjs ${target.options.outputPath} ${project}:${targetName}:node` },
    };
  }
  return out;
}

/**
 * Turns a workspace copy into Nx's floor: the Kiln plugin removed from nx.json, and every project it would infer
 * written as a static project.json (targets from the plugin itself, dependencies as implicitDependencies).
 */
async function makeFloor(w) {
  const plugin = require(join(REPO, 'tools', 'kiln-nx', 'lib', 'index.js'));
  const nxJson = JSON.parse(readFileSync(join(w.ws, 'nx.json'), 'utf8'));
  const entry = nxJson.plugins.find((p) => /kiln-nx/.test(typeof p === 'string' ? p : p.plugin));
  nxJson.plugins = nxJson.plugins.filter((p) => p !== entry);
  writeFileSync(join(w.ws, 'nx.json'), JSON.stringify(nxJson, null, 2) + '\n');
  writeFileSync(join(w.ws, 'bench-floor-task.cjs'), FLOOR_TASK);
  const results = await plugin.createNodes[1](specFiles(w.ws), entry.options, { nxJsonConfiguration: nxJson, workspaceRoot: w.ws });
  const projects = Object.fromEntries(results.flatMap(([, r]) => Object.values(r.projects)).map((p) => [p.name, p]));
  const deps = await plugin.createDependencies(entry.options, { projects, workspaceRoot: w.ws, nxJsonConfiguration: nxJson });
  for (const p of Object.values(projects)) {
    const implicit = deps.filter((d) => d.source === p.name).map((d) => d.target);
    const targets = Object.fromEntries(Object.entries(p.targets).map(([t, target]) => [t, floorTarget(p.name, t, target)]));
    const json = {
      name: p.name,
      root: p.root,
      tags: p.tags,
      projectType: p.projectType,
      targets,
      ...(implicit.length ? { implicitDependencies: implicit } : {}),
    };
    writeFileSync(join(w.ws, p.root, 'project.json'), JSON.stringify(json, null, 2) + '\n');
  }
  return Object.keys(projects).length;
}

// ---------------------------------------------------------------------------------------------- commands

function nx(w, args, extraEnv = {}) {
  return $({ cwd: w.ws, env: { ...w.env, ...extraEnv }, quiet: true })`node node_modules/nx/dist/bin/nx.js ${args}`;
}

/** Runs nx under GNU time and returns its result plus the peak resident memory (KiB) of the Nx process. */
async function nxWithRss(w, args, extraEnv = {}) {
  const p = await $({
    cwd: w.ws,
    env: { ...w.env, ...extraEnv },
    quiet: true,
  })`/usr/bin/time -f ${'kiln-bench-rss=%M'} node node_modules/nx/dist/bin/nx.js ${args}`;
  const m = p.stderr.match(/kiln-bench-rss=(\d+)/);
  return { stdout: p.stdout, rssKiB: m ? Number(m[1]) : null };
}

/**
 * How many projects Nx shows, from a file: Nx exits as soon as it has printed, and a pipe reader (as in the timed
 * runs) can then get a truncated list.
 */
async function projectCount(w) {
  const file = join(w.root, 'show-projects.txt');
  await $({ cwd: w.ws, env: w.env, quiet: true })`node node_modules/nx/dist/bin/nx.js show projects > ${file}`;
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
}

function resetCold(w) {
  return async () => {
    for (const dir of [w.cacheDir, w.dataDir, join(w.ws, 'dist')]) rmSync(dir, { recursive: true, force: true });
    await nx(w, ['show', 'projects']); // graph built once, untimed: cold means no task cache and no outputs
  };
}

const runMany = (targets, projects, extra = []) => [
  'run-many',
  '-t',
  ...targets,
  `--projects=${projects}`,
  '--outputStyle=static',
  ...extra,
];

/** "Nx read the output from the cache instead of running the command for X out of Y tasks." */
function cachedTasks(output) {
  const m = output.match(/for (\d+) out of (\d+) tasks/);
  return m ? { cached: Number(m[1]), tasks: Number(m[2]) } : { cached: 0, tasks: taskCount(output) };
}

/** "Successfully ran targets … for N projects (and M tasks they depend on)" or "for project P (and 1 task it depends on)" → N + M. */
function taskCount(output) {
  const m = output.match(/for (?:(\d+) projects|project \S+)(?: and (\d+) tasks? (?:they|it) depends? on)?/);
  return m ? Number(m[1] ?? 1) + Number(m[2] ?? 0) : null;
}

/** Number of rendered config folders under dist/images/<name>/config and how many distinct contents they hold. */
function renderedConfigs(ws, names) {
  const digests = new Set();
  let found = 0;
  for (const name of names) {
    const dir = join(ws, 'dist', 'images', name, 'config');
    if (!existsSync(dir)) continue;
    found++;
    const h = createHash('sha256');
    for (const file of readdirSync(dir).sort())
      h.update(file)
        .update('\0')
        .update(readFileSync(join(dir, file)))
        .update('\0');
    digests.add(h.digest('hex'));
  }
  return { found, distinct: digests.size };
}

const RENDER_CHILD = `// Renders the images named on the command line with renderConfigStep in this one process; prints JSON timings.
const t0 = performance.now();
require('@swc-node/register');
const steps = require(process.env.KILN_BENCH_STEPS);
const t1 = performance.now();
const [workspaceRoot, outRoot, ...names] = process.argv.slice(2);
const settings = steps.normalizePluginOptions({ configBundlesDir: 'images/_bundles' });
for (const image of names) steps.renderConfigStep({ workspaceRoot, image, outputPath: outRoot + '/' + image, settings });
const t2 = performance.now();
process.stdout.write(JSON.stringify({ loadMs: t1 - t0, renderMs: t2 - t1, count: names.length }));
`;

function renderChild(w, outRoot, names) {
  const script = join(w.ws, 'tmp', 'bench-render-child.cjs');
  if (!existsSync(script)) {
    mkdirSync(dirname(script), { recursive: true });
    writeFileSync(script, RENDER_CHILD);
  }
  const env = { ...w.env, KILN_BENCH_STEPS: join(REPO, 'libs', 'steps', 'src', 'index.ts') };
  return $({ cwd: w.ws, env, quiet: true })`node ${script} ${w.ws} ${outRoot} ${names}`.then((p) => JSON.parse(p.stdout));
}

// ---------------------------------------------------------------------------------------------- measurements

async function coldRun(w, targets, projects, opts, extra, label, runs = opts.runs) {
  const r = await measure(() => nx(w, runMany(targets, projects, extra)), { runs, budgetMs: 20_000, reset: resetCold(w) });
  const tasks = taskCount(r.last.stdout);
  log(`${w.label} ${label}: ${tasks} tasks in ${ms(r.medianMs)} (${ms(r.medianMs / tasks)}/task)`);
  return { tasks, ...strip(r), perTaskMs: round(r.medianMs / tasks, 2) };
}

/** The same cached run-many in Kiln's workspace and the floor's, interleaved; both must be all cache hits. */
async function cachedPair(kiln, floor, targets, projects, opts, extra, label) {
  const r = await paired(
    { kiln: () => nx(kiln, runMany(targets, projects, extra)), floor: () => nx(floor, runMany(targets, projects, extra)) },
    opts.runs,
  );
  const counts = { kiln: cachedTasks(r.kiln.last.stdout), floor: cachedTasks(r.floor.last.stdout) };
  log(
    `${label}: Kiln ${ms(r.kiln.medianMs)} (${counts.kiln.cached}/${counts.kiln.tasks} cached), floor ${ms(r.floor.medianMs)} (${counts.floor.cached}/${counts.floor.tasks} cached)`,
  );
  return { kiln: { ...strip(r.kiln), ...counts.kiln }, floor: { ...strip(r.floor), ...counts.floor } };
}

async function inProcessRenders(w, names, opts) {
  const r = await measure(() => renderChild(w, 'dist/bench-inproc', names), { runs: opts.runs, budgetMs: 30_000 });
  const perRender = r.medianMs / names.length;
  const loopPerRender = r.last.renderMs / names.length;
  log(
    `in-process renders: ${names.length} in ${ms(r.medianMs)} (${ms(perRender)}/render; load ${ms(r.last.loadMs)}, loop ${ms(loopPerRender)}/render)`,
  );
  return {
    renders: names.length,
    ...strip(r),
    perRenderMs: round(perRender, 2),
    loadMs: round(r.last.loadMs),
    loopMs: round(r.last.renderMs),
    loopPerRenderMs: round(loopPerRender, 2),
  };
}

async function perProcessRenders(w, names) {
  const t = now();
  for (const name of names) await renderChild(w, 'dist/bench-perproc', [name]);
  const totalMs = round(now() - t);
  log(`one process per render: ${names.length} in ${ms(totalMs)} (${ms(totalMs / names.length)}/render)`);
  return { renders: names.length, totalMs, perRenderMs: round(totalMs / names.length, 1) };
}

const strip = ({ medianMs, runsMs, medianRssMiB }) => ({ medianMs, runsMs, ...(medianRssMiB !== undefined ? { medianRssMiB } : {}) });

// ---------------------------------------------------------------------------------------------- report

const ms = (x) => (x === null || x === undefined ? '—' : x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(1)} ms`);
const fmt = (v, unit) => {
  if (v === null || v === undefined) return '—';
  if (unit === 'ms') return ms(v);
  if (unit.startsWith('ms/')) return `${v.toFixed(v >= 100 ? 0 : 2)} ${unit}`;
  if (unit === 'MiB') return `${v.toFixed(0)} MiB`;
  return `${v} ${unit}`;
};
const log = (line) => console.error(`[bench] ${line}`);

/** ratio = value ÷ baseline: below 1× the value costs less than its baseline. `goal` is what the issue asks (text). */
function row(id, measurement, value, baseline, unit, goal = '') {
  const ratio = value !== null && value !== undefined && baseline ? round(value / baseline, 2) : null;
  return { id, measurement, value: value ?? null, baseline: baseline ?? null, unit, ratio, goal };
}

function tableLines(rows) {
  const cells = rows.map((r) => [
    r.measurement,
    fmt(r.value, r.unit),
    fmt(r.baseline, r.unit),
    r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`,
    r.goal || '—',
  ]);
  const head = ['measurement', 'value', 'baseline', 'ratio', 'goal'];
  const widths = head.map((h, c) => Math.max(h.length, ...cells.map((line) => line[c].length)));
  const line = (cols) => cols.map((col, c) => (c === 0 || c === 4 ? col.padEnd(widths[c]) : col.padStart(widths[c]))).join('  ');
  return [line(head), widths.map((wd) => '-'.repeat(wd)).join('  '), ...cells.map(line)];
}

function markdownTable(rows) {
  const esc = (s) => String(s).replace(/\|/g, '\\|');
  return [
    '| measurement | value | baseline | ratio | goal |',
    '|---|---:|---:|---:|---|',
    ...rows.map(
      (r) =>
        `| ${esc(r.measurement)} | ${fmt(r.value, r.unit)} | ${fmt(r.baseline, r.unit)} | ${r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`} | ${esc(r.goal || '—')} |`,
    ),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------- one catalog size

async function benchSize(count, opts, samples, workspaces) {
  const kiln = await createWorkspace(`kiln-n${count}`);
  const floor = await createWorkspace(`floor-n${count}`);
  workspaces.push(kiln, floor);
  const { names } = generateImages([kiln, floor], count);
  const projectsInFloor = await makeFloor(floor);
  await gitCommit(kiln.ws);
  await gitCommit(floor.ws);
  log(`${count} images: Kiln ${kiln.ws}, floor ${floor.ws} (${projectsInFloor} static projects)`);
  const all = 'bench-*';
  const subset = names.slice(0, Math.min(opts.unbatchedSubset, count));
  const planSubset = names.slice(0, Math.min(opts.planSubset, count));

  // 1. The project graph: Kiln (plugin in Nx's process) and the floor, interleaved; Kiln isolated as before.
  const show = await paired(
    {
      kiln: () => nxWithRss(kiln, ['show', 'projects']),
      floor: () => nxWithRss(floor, ['show', 'projects']),
      kilnIsolated: () => nxWithRss(kiln, ['show', 'projects'], { NX_ISOLATE_PLUGINS: 'true' }),
    },
    opts.runs,
  );
  const projects = await projectCount(kiln);
  log(
    `nx show projects (${projects} projects): Kiln ${ms(show.kiln.medianMs)} ${show.kiln.medianRssMiB} MiB, floor ${ms(show.floor.medianMs)} ${show.floor.medianRssMiB} MiB, Kiln isolated ${ms(show.kilnIsolated.medianMs)}`,
  );

  // 2. Affected: one generated image edited → exactly that project.
  const edited = names[Math.min(3, names.length - 1)];
  writeFileSync(
    join(kiln.ws, 'images', edited, 'image.yaml'),
    readFileSync(join(kiln.ws, 'images', edited, 'image.yaml'), 'utf8') + '# edited\n',
  );
  const affected = (await nx(kiln, ['show', 'projects', '--affected', `--files=images/${edited}/image.yaml`])).stdout
    .split('\n')
    .filter(Boolean);
  writeFileSync(
    join(kiln.ws, 'images', edited, 'image.yaml'),
    readFileSync(join(kiln.ws, 'images', edited, 'image.yaml'), 'utf8').replace(/# edited\n$/, ''),
  );
  log(`affected by editing images/${edited}/image.yaml: ${affected.join(', ')}`);

  // 3. render-config: cold batch (Kiln), cold one node process per task (floor), then cached, paired.
  const coldBatch = await coldRun(kiln, ['render-config'], all, opts, [], 'cold render-config, batch');
  const rendered = renderedConfigs(kiln.ws, names);
  log(`rendered ${rendered.found}/${names.length} config folders, ${rendered.distinct} distinct`);
  shareOutputs(kiln, floor, 'dist/images');
  const floorCold = await coldRun(
    floor,
    ['render-config'],
    subset.join(','),
    opts,
    ['-c', 'node'],
    `cold render-config, one node process per task, ${subset.length}`,
    1,
  );
  await nx(floor, runMany(['render-config'], all)); // fills the floor's cache, untimed
  const warm = await cachedPair(kiln, floor, ['render-config'], all, opts, [], 'cached render-config');

  let unbatched = null;
  let batchedSubset = null;
  if (!opts.skipUnbatched) {
    unbatched = await coldRun(
      kiln,
      ['render-config'],
      subset.join(','),
      opts,
      ['--batch=false'],
      `cold render-config --batch=false, ${subset.length}`,
      1,
    );
    batchedSubset =
      subset.length === names.length
        ? coldBatch
        : await coldRun(kiln, ['render-config'], subset.join(','), opts, [], `cold render-config batch, ${subset.length}`);
  }

  // 4. build -c plan: cold (Kiln), then cached, paired with the floor's cached run of the same tasks.
  const planBuildCold = await coldRun(kiln, ['build'], all, opts, ['-c', 'plan'], 'cold build -c plan', 1);
  shareOutputs(kiln, floor, 'dist/plan'); // before the next cold run wipes dist/
  const planBuildUnbatched = opts.skipUnbatched
    ? null
    : await coldRun(
        kiln,
        ['build'],
        planSubset.join(','),
        opts,
        ['-c', 'plan', '--batch=false'],
        `cold build -c plan --batch=false, ${planSubset.length} images`,
        1,
      );
  await nx(floor, runMany(['build'], all, ['-c', 'plan'])); // fills the floor's cache, untimed
  const planBuildCached = await cachedPair(kiln, floor, ['build'], all, opts, ['-c', 'plan'], 'cached build -c plan');

  // 5. The README's main job in plan mode, cold: batch (Kiln's default) vs one process per task, per task.
  const mainTargets = ['upload', 'gen-cluster-config'];
  const mainCold = await coldRun(kiln, mainTargets, all, opts, ['-c', 'plan'], 'cold main job -c plan', 1);
  const mainUnbatched = opts.skipUnbatched
    ? null
    : await coldRun(
        kiln,
        mainTargets,
        planSubset.join(','),
        opts,
        ['-c', 'plan', '--batch=false'],
        `cold main job -c plan --batch=false, ${planSubset.length} images`,
        1,
      );

  // 6. renderConfigStep throughput (library only, no Nx).
  const inProcess = await inProcessRenders(kiln, names, opts);
  const perProcess = await perProcessRenders(kiln, names.slice(0, Math.min(opts.processSubset, count)));

  const N = `${count} images`;
  const rows = [
    row(
      'graph.showProjects',
      `nx show projects, ${projects} projects: Kiln vs the floor`,
      show.kiln.medianMs,
      show.floor.medianMs,
      'ms',
      '≤ 1.2×',
    ),
    row(
      'graph.showProjectsMemory',
      'nx show projects, peak memory: Kiln vs the floor',
      show.kiln.medianRssMiB,
      show.floor.medianRssMiB,
      'MiB',
      '≤ 1.3×',
    ),
    row(
      'graph.isolation',
      "nx show projects: Kiln's NX_ISOLATE_PLUGINS=false vs Nx's default (isolated plugin worker)",
      show.kiln.medianMs,
      show.kilnIsolated.medianMs,
      'ms',
      'info',
    ),
    row(
      'renderConfig.cached',
      `run-many -t render-config, all ${count} cached: Kiln vs the floor`,
      warm.kiln.medianMs,
      warm.floor.medianMs,
      'ms',
      '≤ 1.1×',
    ),
    row(
      'planBuild.cached',
      `run-many -t build -c plan, all ${planBuildCached.kiln.tasks} tasks cached: Kiln vs the floor`,
      planBuildCached.kiln.medianMs,
      planBuildCached.floor.medianMs,
      'ms',
      '≤ 1.1×',
    ),
    row(
      'planBuild.cold',
      `run-many -t build -c plan, cold, ${planBuildCold.tasks} tasks: Kiln (batch) vs --batch=false (${planSubset.length} images)`,
      planBuildCold.perTaskMs,
      planBuildUnbatched?.perTaskMs,
      'ms/task',
      '≤ 0.1×',
    ),
    row(
      'mainJob.cold',
      `run-many -t upload gen-cluster-config -c plan, cold, ${mainCold.tasks} tasks: Kiln vs --batch=false (${planSubset.length} images)`,
      mainCold.perTaskMs,
      mainUnbatched?.perTaskMs,
      'ms/task',
      '≤ 0.1×',
    ),
    row(
      'renderConfig.coldVsFloor',
      `run-many -t render-config, cold, ${count} tasks: Kiln batch vs the floor (one node process per task, ${subset.length} tasks)`,
      coldBatch.perTaskMs,
      floorCold.perTaskMs,
      'ms/task',
      'kept (0.09×)',
    ),
    row(
      'renderConfig.coldBatch',
      `cold render-config, batch, ${count} tasks (baseline --batch=false, ${subset.length} tasks)`,
      coldBatch.perTaskMs,
      unbatched?.perTaskMs,
      'ms/task',
      'info',
    ),
    row(
      'renderConfig.coldSubset',
      `cold render-config, batch vs --batch=false, same ${subset.length} tasks`,
      batchedSubset?.perTaskMs,
      unbatched?.perTaskMs,
      'ms/task',
      'info',
    ),
    row(
      'renderConfig.warm',
      `warm render-config, ${count} tasks all cached (baseline cold batch)`,
      warm.kiln.medianMs,
      coldBatch.medianMs,
      'ms',
      'info',
    ),
    row(
      'render.inProcess',
      `renderConfigStep, ${count} in one process, start-up included (baseline one process each, ${perProcess.renders})`,
      inProcess.perRenderMs,
      perProcess.perRenderMs,
      'ms/render',
      'info',
    ),
    row(
      'render.inProcessLoop',
      `renderConfigStep loop after load, ${count} renders (baseline one process each)`,
      inProcess.loopPerRenderMs,
      perProcess.perRenderMs,
      'ms/render',
      'info',
    ),
    row(
      'affected.oneImage',
      `show projects --affected, images/${edited}/image.yaml edited: projects selected (expected: exactly ${edited})`,
      affected.length,
      1,
      'projects',
      affected.length === 1 && affected[0] === edited ? `kept: ${affected.join(', ')}` : `NOT KEPT: ${affected.join(', ')}`,
    ),
  ];
  return {
    images: count,
    rows,
    markdownHeading: N,
    measurements: {
      generated: {
        images: names.length,
        renderedConfigs: rendered.found,
        distinctRenders: rendered.distinct,
        floorProjects: projectsInFloor,
      },
      showProjects: Object.fromEntries(Object.entries(show).map(([k, v]) => [k, strip(v)])),
      affected: { edited, selected: affected },
      renderConfig: { coldBatch, floorCold, cached: warm, coldUnbatchedSubset: unbatched, coldBatchedSubset: batchedSubset },
      planBuild: { cold: planBuildCold, coldUnbatched: planBuildUnbatched, cached: planBuildCached },
      mainJob: { cold: mainCold, coldUnbatched: mainUnbatched },
      inProcess,
      perProcess,
    },
  };
}

/** The sample catalog's own rows (kept from the first version of this script). */
async function benchSamples(opts, workspaces) {
  const w = await createWorkspace('samples');
  workspaces.push(w);
  await gitCommit(w.ws);
  const names = sampleImages(w.ws);
  const show = await paired(
    {
      kiln: () => nxWithRss(w, ['show', 'projects']),
      kilnIsolated: () => nxWithRss(w, ['show', 'projects'], { NX_ISOLATE_PLUGINS: 'true' }),
    },
    opts.runs,
  );
  const cold = await coldRun(w, ['render-config'], names.join(','), opts, [], 'samples cold render-config');
  const warm = await measure(() => nx(w, runMany(['render-config'], names.join(','))), { runs: opts.runs });
  const projects = await projectCount(w);
  log(
    `samples: show projects ${ms(show.kiln.medianMs)} (isolated ${ms(show.kilnIsolated.medianMs)}), cached render-config ${ms(warm.medianMs)}`,
  );
  return {
    rows: [
      row(
        'samples.showProjects',
        `samples: nx show projects, ${projects} projects: NX_ISOLATE_PLUGINS=false vs isolated`,
        show.kiln.medianMs,
        show.kilnIsolated.medianMs,
        'ms',
        'info',
      ),
      row(
        'samples.warm',
        `samples: render-config, ${names.length} tasks all cached (baseline cold batch)`,
        warm.medianMs,
        cold.medianMs,
        'ms',
        'info',
      ),
    ],
    measurements: { showProjects: { kiln: strip(show.kiln), kilnIsolated: strip(show.kilnIsolated) }, cold, warm: strip(warm) },
  };
}

// ---------------------------------------------------------------------------------------------- main

async function main() {
  const opts = parseOptions(process.argv.slice(2));
  const load = { start: loadavg().map((x) => round(x, 2)) };
  log(
    `images ${opts.images.join(', ')}, runs ${opts.runs}, unbatched subset ${opts.skipUnbatched ? 'skipped' : opts.unbatchedSubset}, plan subset ${opts.planSubset}, per-process subset ${opts.processSubset}; ${cpus().length} CPUs, load ${load.start.join(' ')}`,
  );
  const workspaces = [];
  try {
    const samples = await benchSamples(opts, workspaces);
    const sizes = [];
    for (const count of opts.images) {
      sizes.push(await benchSize(count, opts, samples, workspaces));
      if (!opts.keep) for (const w of workspaces.splice(1)) rmSync(w.root, { recursive: true, force: true });
    }
    load.end = loadavg().map((x) => round(x, 2));
    const results = {
      version: 2,
      generatedAt: new Date().toISOString(),
      params: {
        images: opts.images,
        quick: opts.quick,
        runs: opts.runs,
        skipUnbatched: opts.skipUnbatched,
        unbatchedSubset: opts.unbatchedSubset,
        planSubset: opts.planSubset,
        processSubset: opts.processSubset,
      },
      environment: {
        node: process.version,
        nx: readJson(join(REPO, 'node_modules/nx/package.json')).version,
        platform: `${process.platform}-${process.arch}`,
        cpus: cpus().length,
        loadavg: load,
      },
      sizes: sizes.map((s) => ({ images: s.images, rows: s.rows, measurements: s.measurements })),
      samples,
    };
    mkdirSync(OUT_DIR, { recursive: true });
    writeFileSync(join(OUT_DIR, 'results.json'), JSON.stringify(results, null, 2) + '\n');
    const footer = `ratio = value ÷ baseline (below 1× the value costs less). Medians of ${opts.runs} runs, paired in one run; load average ${load.start.join(' ')} → ${load.end.join(' ')} on ${cpus().length} CPUs; Nx ${results.environment.nx}, Node ${process.version}.`;
    for (const s of sizes) {
      const md = `# Kiln bench, ${s.images} images (${results.generatedAt})\n\n${markdownTable(s.rows)}\n\n${footer}\n`;
      writeFileSync(join(OUT_DIR, `table-${s.images}.md`), md);
      console.log(
        `\n${s.images} images (${s.measurements.generated.renderedConfigs}/${s.images} configs rendered, ${s.measurements.generated.distinctRenders} distinct)`,
      );
      for (const l of tableLines(s.rows)) console.log(l);
    }
    console.log('\nsample catalog');
    for (const l of tableLines(samples.rows)) console.log(l);
    writeFileSync(join(OUT_DIR, 'table-samples.md'), `# Kiln bench, sample catalog\n\n${markdownTable(samples.rows)}\n\n${footer}\n`);
    console.log(`\n${footer}\nresults: ${join(OUT_DIR, 'results.json')}, tables: ${OUT_DIR}/table-*.md`);
  } finally {
    for (const w of workspaces) {
      if (opts.keep) log(`kept ${w.root}`);
      else rmSync(w.root, { recursive: true, force: true });
    }
  }
}

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

main().catch((error) => {
  // A command that fails makes the numbers meaningless: say which one and why (timings never fail the run).
  console.error(`bench: ${error.stderr || error.message || error}`);
  process.exit(1);
});
