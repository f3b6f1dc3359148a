#!/usr/bin/env node
// Measures Kiln's Nx scale claims in a throw-away workspace, each against a baseline measured in the same run.
// Usage: node tools/scripts/bench.mjs [--images N] [--quick] [--skip-unbatched] [--unbatched-subset M]
//        [--process-subset P] [--runs R] [--keep]
// Prints a table (measurement, value, baseline, ratio) and writes dist/bench/results.json. See BENCH.md.
import { $ } from 'zx';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RESULTS_FILE = join(REPO, 'dist', 'bench', 'results.json');

// ---------------------------------------------------------------------------------------------- options

function parseOptions(argv) {
  const opts = { images: 1000, quick: false, skipUnbatched: false, unbatchedSubset: 100, processSubset: 20, runs: 3, keep: false };
  const given = new Set();
  const numeric = { '--images': 'images', '--unbatched-subset': 'unbatchedSubset', '--process-subset': 'processSubset', '--runs': 'runs' };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    if (flag === '--quick') opts.quick = true;
    else if (flag === '--skip-unbatched') opts.skipUnbatched = true;
    else if (flag === '--keep') opts.keep = true;
    else if (numeric[flag]) {
      const raw = inline ?? argv[++i];
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 1) usage(`${flag} needs a positive integer (got ${raw})`);
      opts[numeric[flag]] = n;
      given.add(numeric[flag]);
    } else usage(`unknown option ${argv[i]}`);
  }
  if (opts.quick) {
    const smoke = { images: 50, unbatchedSubset: 10, processSubset: 5, runs: 2 };
    for (const [key, value] of Object.entries(smoke)) if (!given.has(key)) opts[key] = value;
  }
  opts.unbatchedSubset = Math.min(opts.unbatchedSubset, opts.images);
  opts.processSubset = Math.min(opts.processSubset, opts.images);
  return opts;
}

function usage(problem) {
  console.error(`bench: ${problem}\nusage: node tools/scripts/bench.mjs [--images N] [--quick] [--skip-unbatched] [--unbatched-subset M] [--process-subset P] [--runs R] [--keep]`);
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------- timing

const now = () => performance.now();

function median(values) {
  const s = [...values].sort((a, b) => a - b);
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

const round = (x, digits = 1) => (x === null || x === undefined ? null : Math.round(x * 10 ** digits) / 10 ** digits);

// ---------------------------------------------------------------------------------------------- workspace

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
  const env = { ...withoutNxEnv(process.env), NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_CACHE_DIRECTORY: cacheDir, NX_WORKSPACE_DATA_DIRECTORY: dataDir };
  return { root, ws, cacheDir, dataDir, env };
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
    u.imageName = `bench-${i}`;
    u.location = AZURE_LOCATIONS[i % AZURE_LOCATIONS.length];
  }
  return s;
}

function generateImages(ws, count) {
  const samples = sampleImages(ws).map((name) => ({ name, spec: parseYaml(readFileSync(join(ws, 'images', name, 'image.yaml'), 'utf8')) }));
  const names = [];
  for (let i = 0; i < count; i++) {
    const sample = samples[i % samples.length];
    const name = `bench-${i}`;
    mkdirSync(join(ws, 'images', name), { recursive: true });
    const header = `# Generated by tools/scripts/bench.mjs: variant ${i} of images/${sample.name}.\n`;
    writeFileSync(join(ws, 'images', name, 'image.yaml'), header + stringifyYaml(benchImage(sample.spec, i)));
    names.push(name);
  }
  return { names, samples: samples.map((s) => s.name) };
}

// ---------------------------------------------------------------------------------------------- commands

function nx(w, args, extraEnv = {}) {
  return $({ cwd: w.ws, env: { ...w.env, ...extraEnv }, quiet: true })`node node_modules/nx/dist/bin/nx.js ${args}`;
}

function resetCold(w) {
  return async () => {
    for (const dir of [w.cacheDir, w.dataDir, join(w.ws, 'dist')]) rmSync(dir, { recursive: true, force: true });
    await nx(w, ['show', 'projects']); // graph built once, untimed: cold means no task cache and no outputs
  };
}

const runMany = (projects, extra = []) => ['run-many', '-t', 'render-config', `--projects=${projects}`, '--outputStyle=static', ...extra];

/** "Nx read the output from the cache instead of running the command for X out of Y tasks." */
function cachedTasks(output) {
  const m = output.match(/for (\d+) out of (\d+) tasks/);
  return m ? Number(m[1]) : 0;
}

/** Number of rendered config folders under dist/images/<prefix>* and how many distinct contents they hold. */
function renderedConfigs(ws, names) {
  const digests = new Set();
  let found = 0;
  for (const name of names) {
    const dir = join(ws, 'dist', 'images', name, 'config');
    if (!existsSync(dir)) continue;
    found++;
    const h = createHash('sha256');
    for (const file of readdirSync(dir).sort()) h.update(file).update('\0').update(readFileSync(join(dir, file))).update('\0');
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
const settings = steps.normalizeSettings({ configBundlesDir: 'images/_bundles' });
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

/**
 * nx show projects with Nx's default plugin isolation (forced with NX_ISOLATE_PLUGINS=true, since the
 * workspace .env turns it off) and with NX_ISOLATE_PLUGINS=false (Kiln's setting), runs interleaved (A B A B …).
 */
async function showProjects(w, opts, label) {
  const isolated = () => nx(w, ['show', 'projects'], { NX_ISOLATE_PLUGINS: 'true' });
  const notIsolated = () => nx(w, ['show', 'projects'], { NX_ISOLATE_PLUGINS: 'false' });
  await isolated(); // warm-up, untimed
  await notIsolated();
  const a = { runsMs: [] };
  const b = { runsMs: [] };
  let output;
  for (let r = 0; r < opts.runs; r++) {
    let t = now();
    output = await isolated();
    a.runsMs.push(round(now() - t));
    t = now();
    await notIsolated();
    b.runsMs.push(round(now() - t));
  }
  a.medianMs = round(median(a.runsMs));
  b.medianMs = round(median(b.runsMs));
  const projects = output.stdout.split('\n').filter(Boolean).length;
  log(`${label}: nx show projects (${projects} projects) isolated ${ms(a.medianMs)}, NX_ISOLATE_PLUGINS=false ${ms(b.medianMs)}`);
  return { projects, isolated: strip(a), notIsolated: strip(b) };
}

const strip = ({ medianMs, runsMs }) => ({ medianMs, runsMs });

async function coldRun(w, projects, tasks, opts, extra, label) {
  const r = await measure(() => nx(w, runMany(projects, extra)), { runs: opts.runs, budgetMs: 20_000, reset: resetCold(w) });
  log(`${label}: ${tasks} tasks in ${ms(r.medianMs)} (${ms(r.medianMs / tasks)}/task)`);
  return { tasks, ...strip(r), perTaskMs: round(r.medianMs / tasks, 2) };
}

async function warmRun(w, projects, tasks, opts, label) {
  const r = await measure(() => nx(w, runMany(projects)), { runs: opts.runs });
  const cached = cachedTasks(r.last.stdout);
  log(`${label}: ${tasks} tasks in ${ms(r.medianMs)}, ${cached}/${tasks} from cache`);
  return { tasks, ...strip(r), perTaskMs: round(r.medianMs / tasks, 2), cachedTasks: cached };
}

async function inProcessRenders(w, names, opts) {
  const r = await measure(() => renderChild(w, 'dist/bench-inproc', names), { runs: opts.runs, budgetMs: 30_000 });
  const rate = (names.length * 1000) / r.medianMs;
  const loopRate = (names.length * 1000) / r.last.renderMs;
  log(`in-process renders: ${names.length} in ${ms(r.medianMs)} (${rate.toFixed(1)}/s; load ${ms(r.last.loadMs)}, loop ${loopRate.toFixed(1)}/s)`);
  return { renders: names.length, ...strip(r), rendersPerSecond: round(rate, 2), loadMs: round(r.last.loadMs), loopMs: round(r.last.renderMs), loopRendersPerSecond: round(loopRate, 2) };
}

async function perProcessRenders(w, names) {
  const t = now();
  for (const name of names) await renderChild(w, 'dist/bench-perproc', [name]);
  const totalMs = round(now() - t);
  const rate = (names.length * 1000) / totalMs;
  log(`one process per render: ${names.length} in ${ms(totalMs)} (${rate.toFixed(1)}/s)`);
  return { renders: names.length, totalMs, perRenderMs: round(totalMs / names.length, 1), rendersPerSecond: round(rate, 2) };
}

// ---------------------------------------------------------------------------------------------- report

const ms = (x) => (x === null || x === undefined ? '—' : x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(1)} ms`);
const fmt = (v, unit) => (v === null || v === undefined ? '—' : unit === 'ms' ? ms(v) : unit === 'ms/task' ? `${v.toFixed(v >= 100 ? 0 : 2)} ms/task` : `${v.toFixed(1)} ${unit}`);
const log = (line) => console.error(`[bench] ${line}`);

/** ratio > 1 means the measured value is better than its baseline (faster time, higher rate). */
function row(id, measurement, value, baseline, unit, higherIsBetter = false) {
  const ratio = value && baseline ? round(higherIsBetter ? value / baseline : baseline / value, 2) : null;
  return { id, measurement, value: value ?? null, baseline: baseline ?? null, unit, ratio };
}

function printTable(rows) {
  const cells = rows.map((r) => [r.measurement, fmt(r.value, r.unit), fmt(r.baseline, r.unit), r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`]);
  const head = ['measurement', 'value', 'baseline', 'ratio'];
  const widths = head.map((h, c) => Math.max(h.length, ...cells.map((line) => line[c].length)));
  const line = (cols) => cols.map((col, c) => (c === 0 ? col.padEnd(widths[c]) : col.padStart(widths[c]))).join('  ');
  console.log(line(head));
  console.log(widths.map((wd) => '-'.repeat(wd)).join('  '));
  for (const c of cells) console.log(line(c));
  console.log('ratio = baseline ÷ value for times, value ÷ baseline for rates: above 1× the value beats its baseline.');
}

// ---------------------------------------------------------------------------------------------- main

async function main() {
  const opts = parseOptions(process.argv.slice(2));
  const load = { start: loadavg().map((x) => round(x, 2)) };
  log(`${opts.images} images, runs ${opts.runs}, unbatched subset ${opts.skipUnbatched ? 'skipped' : opts.unbatchedSubset}, per-process subset ${opts.processSubset}; ${cpus().length} CPUs, load ${load.start.join(' ')}`);
  const workspaces = [];
  try {
    // Sample catalog (the repository's own images).
    const sampleWs = await createWorkspace('samples');
    workspaces.push(sampleWs);
    await gitCommit(sampleWs.ws);
    const sampleNames = sampleImages(sampleWs.ws);
    const samplesList = sampleNames.join(',');
    const samplesShow = await showProjects(sampleWs, opts, 'samples');
    const samplesCold = await coldRun(sampleWs, samplesList, sampleNames.length, opts, [], 'samples cold batch');
    const samplesWarm = await warmRun(sampleWs, samplesList, sampleNames.length, opts, 'samples warm');

    // Generated catalog.
    const w = await createWorkspace(`n${opts.images}`);
    workspaces.push(w);
    const { names } = generateImages(w.ws, opts.images);
    await gitCommit(w.ws);
    log(`generated ${names.length} images in ${w.ws}`);
    const show = await showProjects(w, opts, `${opts.images} images`);

    const coldBatch = await coldRun(w, 'bench-*', names.length, opts, [], 'cold batch, all');
    const rendered = renderedConfigs(w.ws, names);
    log(`rendered ${rendered.found}/${names.length} config folders, ${rendered.distinct} distinct`);
    const warm = await warmRun(w, 'bench-*', names.length, opts, 'warm, all');

    let unbatched = null;
    let batchedSubset = null;
    const subset = names.slice(0, opts.unbatchedSubset);
    if (!opts.skipUnbatched) {
      unbatched = await coldRun(w, subset.join(','), subset.length, { ...opts, runs: 1 }, ['--batch=false'], `cold --batch=false, ${subset.length}`);
      batchedSubset = subset.length === names.length ? coldBatch : await coldRun(w, subset.join(','), subset.length, opts, [], `cold batch, ${subset.length}`);
    }

    const inProcess = await inProcessRenders(w, names, opts);
    const perProcess = await perProcessRenders(w, names.slice(0, opts.processSubset));
    load.end = loadavg().map((x) => round(x, 2));

    const rows = [
      row('graph.showProjects', `nx show projects, ${show.projects} projects: Kiln's NX_ISOLATE_PLUGINS=false (baseline Nx default, isolated)`, show.notIsolated.medianMs, show.isolated.medianMs, 'ms'),
      row('renderConfig.coldBatch', `cold render-config, batch, ${names.length} tasks (baseline --batch=false, ${subset.length} tasks)`, coldBatch.perTaskMs, unbatched?.perTaskMs, 'ms/task'),
      row('renderConfig.coldSubset', `cold render-config, batch vs --batch=false, same ${subset.length} tasks`, batchedSubset?.perTaskMs, unbatched?.perTaskMs, 'ms/task'),
      row('renderConfig.warm', `warm render-config, ${names.length} tasks all cached (baseline cold batch)`, warm.medianMs, coldBatch.medianMs, 'ms'),
      row('render.inProcess', `renderConfigStep, ${names.length} in one process (baseline one process each, ${perProcess.renders})`, inProcess.rendersPerSecond, perProcess.rendersPerSecond, 'renders/s', true),
      row('render.inProcessLoop', `renderConfigStep loop after load, ${names.length} renders (baseline one process each)`, inProcess.loopRendersPerSecond, perProcess.rendersPerSecond, 'renders/s', true),
      row('samples.showProjects', `samples: nx show projects, ${samplesShow.projects} projects: Kiln's NX_ISOLATE_PLUGINS=false (baseline isolated)`, samplesShow.notIsolated.medianMs, samplesShow.isolated.medianMs, 'ms'),
      row('samples.warm', `samples: warm render-config, ${sampleNames.length} tasks all cached (baseline cold batch)`, samplesWarm.medianMs, samplesCold.medianMs, 'ms'),
    ];
    const results = {
      version: 1,
      generatedAt: new Date().toISOString(),
      params: { images: opts.images, quick: opts.quick, runs: opts.runs, skipUnbatched: opts.skipUnbatched, unbatchedSubset: opts.skipUnbatched ? null : subset.length, processSubset: perProcess.renders },
      environment: { node: process.version, nx: readJson(join(REPO, 'node_modules/nx/package.json')).version, platform: `${process.platform}-${process.arch}`, cpus: cpus().length, loadavg: load },
      rows,
      measurements: {
        generated: { images: names.length, samples: sampleNames.length, renderedConfigs: rendered.found, distinctRenders: rendered.distinct },
        showProjects: show,
        coldBatch,
        coldUnbatchedSubset: unbatched,
        coldBatchedSubset: batchedSubset,
        warm,
        inProcess,
        perProcess,
        samples: { showProjects: samplesShow, coldBatch: samplesCold, warm: samplesWarm },
      },
    };
    mkdirSync(dirname(RESULTS_FILE), { recursive: true });
    writeFileSync(RESULTS_FILE, JSON.stringify(results, null, 2) + '\n');
    console.log('');
    printTable(rows);
    console.log(`\n${rendered.found}/${names.length} configs rendered (${rendered.distinct} distinct); load average ${load.start.join(' ')} → ${load.end.join(' ')} on ${cpus().length} CPUs.`);
    console.log(`results: ${RESULTS_FILE}`);
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
