// `kiln catalog` on a temporary copy of the sample catalog with build, freshness, provenance and published records
// as the pipeline writes them (an image of each freshness state, one revoked in its image.yaml), then the page it
// writes opened from file:// in Debian's headless chromium, started and ended by this file: it lists every sample
// image, filters, sorts, and a screenshot is written to dist/test-artifacts/catalog.png.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium, type Chromium, type ChromiumPage } from './support/chromium-page';
import { kiln } from './support/kiln-cli';
import type { CommandResult } from './support/temp-workspace';
import { createTempWorkspace, REPO_ROOT, type TempWorkspace } from './support/temp-workspace';

const NOW = '2026-03-01T00:00:00Z';
const DAY = 86_400_000;
const SCREENSHOT = join(REPO_ROOT, 'dist', 'test-artifacts', 'catalog.png');
/** How long the page may take to build its tables after navigation. */
const PAGE_READY_MS = 15_000;
const REVOKED_REASON = `CVE-2026-0001 in openssl </script><img src=x onerror="document.title='pwned'">`;
const TEMPLATE_ROOT = '/dc0/vm/tkg-templates';
const SIG_ID =
  '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/tkg-images/providers/Microsoft.Compute/galleries/tkg_gallery/images/capi-ubuntu-2004/versions/0.0.3';

let ws: TempWorkspace;
let commit: string;
let run: CommandResult;
let jsonRun: CommandResult;
let browser: Chromium;
let page: ChromiumPage;
let sampleImages: string[];

interface CatalogJson {
  images: Array<{
    name: string;
    freshness: string;
    gitCommit?: string;
    build?: { ageMs: number };
    published?: { regions: Record<string, string>; template?: { name: string } };
  }>;
}

const key = (label: string) => createHash('sha256').update(label).digest('hex');
const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';

/** The records a build and an upload of `image` leave under dist/images/<image>/ (formats of artifact.json, freshness.json, provenance.json, published.json). */
function writeBuilt(image: string, infra: 'vsphere' | 'aws' | 'azure', builtAt: string, published: Record<string, unknown>): void {
  const at = Date.parse(builtAt);
  const contentKey = key(image);
  const builtIso = new Date(at).toISOString();
  const artifact: Record<string, unknown> = {
    image,
    infra,
    os: 'ubuntu-2004',
    release: 'v2.3.0',
    builderImage: 'projects.registry.vmware.com/tkg/image-builder:v0.1.13_vmware.2',
    bundleImage: 'projects.registry.vmware.com/tkg/linux-resource-bundle:v1.26.5_vmware.1-tkg.1',
    makeTarget:
      infra === 'vsphere'
        ? 'build-node-ova-vsphere-ubuntu-2004'
        : infra === 'aws'
          ? 'build-ami-ubuntu-2004'
          : 'build-azure-sig-ubuntu-2004',
    contentKey,
    builtAt: builtIso,
    ...(infra === 'vsphere'
      ? { ova: { path: `dist/images/${image}/output/${image}.ova`, sha256: key(`${image}.ova`), size: 1_234_567_890 } }
      : {}),
    ...(infra === 'aws' ? { amis: (published.aws as { amis: Record<string, string> }).amis } : {}),
    ...(infra === 'azure' ? { sigImageVersionId: SIG_ID } : {}),
  };
  ws.write(`dist/images/${image}/build/artifact.json`, json(artifact));
  ws.write(
    `dist/images/${image}/build/freshness.json`,
    json({
      image,
      refresh: '30d',
      builtAt: builtIso,
      expiresAt: new Date(at + 30 * DAY).toISOString(),
      window: Math.floor(at / (30 * DAY)),
    }),
  );
  ws.write(
    `dist/images/${image}/build/provenance.json`,
    json({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: `${image}.ova`, digest: { sha256: key(`${image}.ova`) } }],
      predicateType: 'https://slsa.dev/provenance/v1',
      predicate: {
        buildDefinition: {
          buildType: 'https://kiln.invalid/build/v1',
          externalParameters: { image },
          resolvedDependencies: [
            { uri: 'git+file:///workspace', digest: { gitCommit: commit }, annotations: { dirty: false } },
            { uri: `file:images/${image}/image.yaml`, digest: { sha256: key(`${image}/image.yaml`) } },
          ],
        },
        runDetails: { builder: { id: 'https://kiln.invalid/kiln' }, metadata: { startedOn: builtIso, finishedOn: builtIso } },
      },
    }),
  );
  ws.write(`dist/images/${image}/upload/published.json`, json({ image, infra, os: 'ubuntu-2004', contentKey, ...published }));
}

const vsphere = (templateName: string, version: string) => ({
  version,
  vsphere: { templatePath: `${TEMPLATE_ROOT}/${templateName}`, templateName },
});

const visibleImages = () =>
  page.evaluate<string[]>(`[...document.querySelectorAll('#images tbody tr')].filter((r) => !r.hidden).map((r) => r.cells[0].textContent)`);

/** Empties a filter control as a user clearing it would leave it (value '' and the event the page listens to). */
const clearFilter = (selector: string, event: 'input' | 'change') =>
  page.evaluate(
    `(() => { const e = document.querySelector(${JSON.stringify(selector)}); e.value = ''; e.dispatchEvent(new Event(${JSON.stringify(event)})); })()`,
  );

beforeAll(async () => {
  ws = createTempWorkspace();
  commit = ws.git(['rev-parse', 'HEAD']).trim();
  sampleImages = readdirSync(join(ws.root, 'images'), { withFileTypes: true })
    .filter((e) => e.isDirectory() && ws.exists(`images/${e.name}/image.yaml`))
    .map((e) => e.name)
    .sort();
  writeBuilt(
    'ubuntu-2004-vsphere-class',
    'vsphere',
    '2026-02-17T09:30:00Z',
    vsphere('ubuntu-2004-kube-v1.26.5-class', 'v1.26.5+vmware.1-tkg.1-765d418b72c247c2310384e640ee075e'),
  );
  writeBuilt('ubuntu-2004-aws-cis', 'aws', '2026-01-10T08:00:00Z', {
    aws: { amis: { 'us-east-1': 'ami-0f00000000000000a', 'us-west-2': 'ami-0f00000000000000b' } },
  });
  writeBuilt('ubuntu-2004-azure-fips', 'azure', '2026-02-27T12:00:00Z', {
    azure: {
      sigImageVersionId: SIG_ID,
      subscriptionId: '00000000-0000-4000-8000-000000000001',
      resourceGroup: 'tkg-images',
      gallery: 'tkg_gallery',
      imageName: 'capi-ubuntu-2004',
      version: '0.0.3',
    },
  });
  writeBuilt(
    'ubuntu-2004-vsphere-plan',
    'vsphere',
    '2026-02-20T00:00:00Z',
    vsphere('ubuntu-2004-kube-v1.26.5-myorg.0', 'v1.26.5+vmware.1-myorg.0'),
  );
  const planYaml = 'images/ubuntu-2004-vsphere-plan/image.yaml';
  ws.write(planYaml, `${ws.read(planYaml)}revoked:\n  reason: ${JSON.stringify(REVOKED_REASON)}\n  at: 2026-02-25\n`);

  run = kiln(ws, ['catalog'], { KILN_NOW: NOW });
  jsonRun = kiln(ws, ['catalog', '--json'], { KILN_NOW: NOW });

  browser = await launchChromium();
  page = await browser.newPage(1600, 1000);
  await page.call('Page.navigate', { url: pathToFileURL(join(ws.root, 'dist/catalog/index.html')).href });
  await page.waitFor(
    "document.readyState === 'complete' && document.querySelectorAll('#images tbody tr').length > 0",
    PAGE_READY_MS,
    'the catalog page builds its images table',
  );
}, 180_000);

afterAll(async () => {
  await browser?.close();
  ws?.dispose();
});

it('kiln catalog exits 0, prints every sample image in its table and writes dist/catalog/index.html and catalog.json', () => {
  expect(run.code, run.stderr).toBe(0);
  const tableImages = run.stdout
    .split('\n')
    .map((l) => l.split(' ')[0])
    .filter((w) => sampleImages.includes(w!));
  expect([tableImages, ws.exists('dist/catalog/index.html'), ws.exists('dist/catalog/catalog.json')]).toEqual([sampleImages, true, true]);
});

it('prints with --json exactly the catalog.json it writes', () => {
  expect([jsonRun.code, jsonRun.stdout]).toEqual([0, ws.read('dist/catalog/catalog.json')]);
});

it('judges freshness from the records and image.yaml: fresh, stale, never built, revoked', () => {
  const freshness = Object.fromEntries((JSON.parse(jsonRun.stdout) as CatalogJson).images.map((i) => [i.name, i.freshness]));
  const built = ['ubuntu-2004-aws-cis', 'ubuntu-2004-azure-fips', 'ubuntu-2004-vsphere-class', 'ubuntu-2004-vsphere-plan'];
  expect(freshness).toEqual({
    ...Object.fromEntries(sampleImages.filter((i) => !built.includes(i)).map((i) => [i, 'never built'])),
    'ubuntu-2004-aws-cis': 'stale',
    'ubuntu-2004-azure-fips': 'fresh',
    'ubuntu-2004-vsphere-class': 'fresh',
    'ubuntu-2004-vsphere-plan': 'revoked',
  });
});

it('names the git commit of the provenance record and the published ids', () => {
  const images = (JSON.parse(jsonRun.stdout) as CatalogJson).images;
  const cis = images.find((i) => i.name === 'ubuntu-2004-aws-cis')!;
  const cls = images.find((i) => i.name === 'ubuntu-2004-vsphere-class')!;
  expect([cis.gitCommit, cis.published?.regions, cls.published?.template?.name]).toEqual([
    commit,
    { 'us-east-1': 'ami-0f00000000000000a', 'us-west-2': 'ami-0f00000000000000b' },
    'ubuntu-2004-kube-v1.26.5-class',
  ]);
});

it('the page loads from file://, requests nothing but itself, and raises no script error or policy violation', async () => {
  const requests = browser.events
    .filter((e) => e.method === 'Network.requestWillBeSent')
    .map((e) => (e.params.request as { url: string }).url);
  const problems = browser.events.filter(
    (e) =>
      e.method === 'Runtime.exceptionThrown' || (e.method === 'Log.entryAdded' && (e.params.entry as { level: string }).level === 'error'),
  );
  expect([await page.evaluate<string>('location.protocol'), requests, problems]).toEqual([
    'file:',
    [pathToFileURL(join(ws.root, 'dist/catalog/index.html')).href],
    [],
  ]);
});

it('the page lists every sample image', async () => {
  expect(await visibleImages()).toEqual(sampleImages);
});

it('writes a screenshot of the page', async () => {
  const png = await page.screenshot();
  mkdirSync(join(REPO_ROOT, 'dist', 'test-artifacts'), { recursive: true });
  writeFileSync(SCREENSHOT, png);
  console.info(`catalog page screenshot: ${SCREENSHOT}`);
  // PNG signature, then the IHDR width: the whole page, at least the 1600 px viewport (a wide table widens it).
  expect([png.subarray(0, 8).toString('hex'), png.readUInt32BE(16) >= 1600]).toEqual(['89504e470d0a1a0a', true]);
});

it('typing in the filter box leaves only the matching rows', async () => {
  await page.type('#filter', 'azure');
  const shown = await visibleImages();
  await clearFilter('#filter', 'input');
  expect([shown, await visibleImages()]).toEqual([['ubuntu-2004-azure-fips'], sampleImages]);
});

it('typing in a column filter filters on that column only', async () => {
  await page.type('#images tr.filters input[data-col="usedBy"]', 'workload-vsphere-template');
  const shown = await visibleImages();
  await clearFilter('#images tr.filters input[data-col="usedBy"]', 'input');
  expect(shown).toEqual(['ubuntu-2004-vsphere-plan']);
});

it('choosing a freshness in its select keeps only the rows of that freshness', async () => {
  await page.type('#images tr.filters select[data-col="freshness"]', 'stale');
  const shown = await visibleImages();
  await clearFilter('#images tr.filters select[data-col="freshness"]', 'change');
  expect(shown).toEqual(['ubuntu-2004-aws-cis']);
});

it('clicking the Age header sorts by age, youngest first; clicking it again reverses; never built stays last', async () => {
  const images = (JSON.parse(jsonRun.stdout) as CatalogJson).images;
  const built = images
    .filter((i) => i.build)
    .sort((a, b) => a.build!.ageMs - b.build!.ageMs)
    .map((i) => i.name);
  const never = images.filter((i) => !i.build).map((i) => i.name);
  await page.click('#images th[data-col="age"] button');
  const ascending = [
    await visibleImages(),
    await page.evaluate<string>(`document.querySelector('#images th[data-col="age"]').getAttribute('aria-sort')`),
  ];
  await page.click('#images th[data-col="age"] button');
  const descending = [
    await visibleImages(),
    await page.evaluate<string>(`document.querySelector('#images th[data-col="age"]').getAttribute('aria-sort')`),
  ];
  expect([ascending, descending]).toEqual([
    [[...built, ...never], 'ascending'],
    [[...[...built].reverse(), ...never], 'descending'],
  ]);
});

it('shows a revocation reason holding markup as text, running none of it', async () => {
  const r = await page.evaluate<{ notes: string; images: number; title: string }>(
    `(() => { const row = [...document.querySelectorAll('#images tbody tr')].find((r) => r.cells[0].textContent === 'ubuntu-2004-vsphere-plan'); return { notes: row.querySelector('td[data-col="notes"]').textContent, images: document.querySelectorAll('img').length, title: document.title }; })()`,
  );
  expect(r).toEqual({ notes: `revoked 2026-02-25: ${REVOKED_REASON}`, images: 0, title: 'Kiln catalog' });
});
