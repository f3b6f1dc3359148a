// A pull request played in a temporary git repository: a base commit, a branch that adds an image folder (with the
// image generator) and a branch that changes a shared catalog pin. `kiln review` and `kiln ci-matrix` outputs are
// asserted exactly; the expected rendered files come from real Nx render-config runs on each branch.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '@kiln/testing';
import { kiln } from './support/kiln-cli';
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace';

const NEW_IMAGE = 'ubuntu-2004-vsphere-acme';
const OLD_BUILDER = 'projects.registry.vmware.com/tkg/image-builder:v0.1.13_vmware.2';
const NEW_BUILDER = 'projects.registry.vmware.com/tkg/image-builder:v0.1.14_vmware.1';
const BUNDLE = 'projects.registry.vmware.com/tkg/linux-resource-bundle:v1.26.5_vmware.1-tkg.1';
const CLASS_VERSION = 'v1.26.5+vmware.1-tkg.1-765d418b72c247c2310384e640ee075e';
const SAMPLE_IMAGES = [
  ['amazon-2-aws', 'aws', 'amazon-2', 'build-ami-amazon-2'],
  ['photon-3-vsphere', 'vsphere', 'photon-3', 'build-node-ova-vsphere-photon-3'],
  ['rhel-8-vsphere', 'vsphere', 'rhel-8', 'build-node-ova-vsphere-rhel-8'],
  ['ubuntu-2004-aws-cis', 'aws', 'ubuntu-2004', 'build-ami-ubuntu-2004'],
  ['ubuntu-2004-aws-stig', 'aws', 'ubuntu-2004', 'build-ami-ubuntu-2004'],
  ['ubuntu-2004-azure-fips', 'azure', 'ubuntu-2004', 'build-azure-sig-ubuntu-2004'],
  ['ubuntu-2004-vsphere-class', 'vsphere', 'ubuntu-2004', 'build-node-ova-vsphere-ubuntu-2004'],
  ['ubuntu-2004-vsphere-gpu', 'vsphere', 'ubuntu-2004', 'build-node-ova-vsphere-ubuntu-2004'],
  ['ubuntu-2004-vsphere-plan', 'vsphere', 'ubuntu-2004', 'build-node-ova-vsphere-ubuntu-2004'],
] as const;
const FOOTER =
  "_Builds older than an image's refresh window (default 30d) are also rebuilt on main; that depends on the cache, not on this change._\n";

let ws: TempWorkspace;
let home: string;
let mainSha: string;
/** Rendered config files of every image on a branch, from a real `nx run-many -t render-config`. */
const rendered: Record<string, Record<string, Record<string, string>>> = {};

/** Credentials-free environment: review must never need any. */
const NO_CREDENTIALS = {
  VSPHERE_SERVER: undefined,
  VSPHERE_USERNAME: undefined,
  VSPHERE_PASSWORD: undefined,
  GOVC_URL: undefined,
  AWS_ACCESS_KEY_ID: undefined,
  AZURE_CLIENT_SECRET: undefined,
};
const run = (args: string[]) => kiln(ws, args, { ...NO_CREDENTIALS, HOME: home });

function renderBranch(branch: string): void {
  ws.git(['checkout', '-q', branch]);
  const r = ws.nx(['run-many', '-t', 'render-config']);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  rendered[branch] = {};
  for (const image of readdirSync(join(ws.root, 'dist/images'))) {
    const dir = join(ws.root, 'dist/images', image, 'config');
    rendered[branch]![image] = Object.fromEntries(
      readdirSync(dir)
        .sort()
        .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
    );
  }
  ws.remove('dist');
}

beforeAll(() => {
  ws = createTempWorkspace();
  home = tempDir('kiln-review-home-');
  mainSha = ws.git(['rev-parse', 'HEAD']).trim();
  ws.git(['checkout', '-q', '-b', 'add-image']);
  const g = ws.nx(['g', '@kiln/nx:image', NEW_IMAGE, '--infra=vsphere', '--os=ubuntu-2004', '--release=v2.3.0', '--no-interactive']);
  expect(g.code, g.stdout + g.stderr).toBe(0);
  ws.commitAll('add an image');
  ws.git(['checkout', '-q', '-b', 'bump-builder', 'main']);
  const catalog = ws.read('libs/catalog/data/releases.yaml');
  expect(catalog).toContain(`builder: ${OLD_BUILDER}`);
  ws.write('libs/catalog/data/releases.yaml', catalog.replace(`builder: ${OLD_BUILDER}`, `builder: ${NEW_BUILDER}`));
  ws.commitAll('bump the v2.3.0 image-builder pin');
  renderBranch('main');
  renderBranch('add-image');
  renderBranch('bump-builder');
  ws.git(['checkout', '-q', 'main']);
});

afterAll(() => {
  ws?.dispose();
});

const sha = (ref: string) => ws.git(['rev-parse', ref]).trim();

function table(images: [number, number], tkrs: [number, number], clusters: [number, number]): string {
  return `| | rebuilt | not rebuilt |\n|---|---|---|\n| images | ${images[0]} | ${images[1]} |\n| tkrs | ${tkrs[0]} | ${tkrs[1]} |\n| clusters | ${clusters[0]} | ${clusters[1]} |\n`;
}

describe('kiln review and kiln ci-matrix on a pull request', () => {
  it('a branch adding an image: exactly that image is rebuilt, with its whole rendered config as the diff', () => {
    const head = sha('add-image');
    const files = rendered['add-image']![NEW_IMAGE]!;
    const diff = Object.entries(files)
      .map(([name, text]) => {
        const lines = text.replace(/\n$/, '').split('\n');
        return [
          `--- /dev/null`,
          `+++ b/dist/images/${NEW_IMAGE}/config/${name}`,
          `@@ -0,0 +1,${lines.length} @@`,
          ...lines.map((l) => `+${l}`),
        ].join('\n');
      })
      .join('\n');
    const expected =
      `# Kiln review\n\nBase \`${mainSha.slice(0, 12)}\` → head \`${head.slice(0, 12)}\`.\n\n` +
      table([1, 9], [0, 1], [0, 2]) +
      `\n## Images\n\n### \`${NEW_IMAGE}\` (new)\n\n` +
      `- why: new image (images/${NEW_IMAGE}/image.yaml added)\n` +
      '- build: `make build-node-ova-vsphere-ubuntu-2004` (vsphere ubuntu-2004, TKG v2.3.0)\n' +
      `- builder image: \`${OLD_BUILDER}\`\n- bundle image: \`${BUNDLE}\`\n- VERSION: \`${CLASS_VERSION}\`\n` +
      `\n<details><summary>rendered config diff</summary>\n\n\`\`\`diff\n${diff}\n\`\`\`\n\n</details>\n\n` +
      FOOTER;
    const r = run(['review', '--base', 'main', '--head', 'add-image']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(expected);
    expect(ws.read('dist/review/report.md')).toBe(expected);
    const json = JSON.parse(ws.read('dist/review/report.json'));
    expect(json).toEqual({
      base: mainSha,
      head,
      images: [
        {
          name: NEW_IMAGE,
          status: 'new',
          reasons: [`new image (images/${NEW_IMAGE}/image.yaml added)`],
          build: {
            makeTarget: 'build-node-ova-vsphere-ubuntu-2004',
            builderImage: OLD_BUILDER,
            bundleImage: BUNDLE,
            infra: 'vsphere',
            os: 'ubuntu-2004',
            release: 'v2.3.0',
            version: CLASS_VERSION,
          },
          diff,
        },
      ],
      tkrs: [],
      clusters: [],
      notRebuilt: { images: 9, tkrs: 1, clusters: 2 },
      changedNotRebuilt: [],
      removed: [],
    });
    // The review rendered the base side in a temporary worktree and removed it again.
    expect(ws.git(['worktree', 'list', '--porcelain']).match(/^worktree /gm)).toHaveLength(1);
    expect(ws.exists('dist/plan')).toBe(false);

    const m = run(['ci-matrix', '--base', 'main', '--head', 'add-image']);
    expect(m.code, m.stderr).toBe(0);
    expect(m.stdout).toBe(
      `{"base":"${mainSha}","head":"${head}","images":[{"project":"${NEW_IMAGE}","infra":"vsphere"}],"tkrs":[],"clusters":[],"imageCount":1,"finalCount":0}\n`,
    );
  });

  it('a branch changing a shared catalog pin: every image of that release, then the TKr and both clusters', () => {
    const head = sha('bump-builder');
    const sections = SAMPLE_IMAGES.map(([name, infra, os, target]) => {
      const before = rendered.main![name]!['build-plan.json']!.split('\n');
      const after = rendered['bump-builder']![name]!['build-plan.json']!.split('\n');
      expect(before[1]).toBe(`  "builderImage": "${OLD_BUILDER}",`);
      expect(after.slice(2)).toEqual(before.slice(2));
      for (const f of Object.keys(rendered.main![name]!))
        if (f !== 'build-plan.json') expect(rendered['bump-builder']![name]![f]).toBe(rendered.main![name]![f]);
      const version = JSON.parse(rendered['bump-builder']![name]!['build-plan.json']!).version as string | undefined;
      const diff = [
        `--- a/dist/images/${name}/config/build-plan.json`,
        `+++ b/dist/images/${name}/config/build-plan.json`,
        '@@ -1,5 +1,5 @@',
        ` ${before[0]}`,
        `-${before[1]}`,
        `+${after[1]}`,
        ...before.slice(2, 5).map((l) => ` ${l}`),
      ].join('\n');
      return (
        `### \`${name}\` (changed)\n\n- why: catalog release v2.3.0 changed (libs/catalog/data/releases.yaml)\n` +
        `- build: \`make ${target}\` (${infra} ${os}, TKG v2.3.0)\n- builder image: \`${NEW_BUILDER}\`\n- bundle image: \`${BUNDLE}\`\n` +
        (version ? `- VERSION: \`${version}\`\n` : '') +
        `\n<details><summary>rendered config diff</summary>\n\n\`\`\`diff\n${diff}\n\`\`\`\n\n</details>\n\n`
      );
    });
    const expected =
      `# Kiln review\n\nBase \`${mainSha.slice(0, 12)}\` → head \`${head.slice(0, 12)}\`.\n\n` +
      table([9, 0], [1, 0], [2, 0]) +
      '\n## Images\n\n' +
      sections.join('') +
      '## TKrs\n\n### `custom-v1-26-5` (changed)\n\n- why: uses rebuilt images ubuntu-2004-vsphere-class, ubuntu-2004-aws-cis, ubuntu-2004-azure-fips\n\n' +
      '## Clusters\n\n### `workload-vsphere` (changed)\n\n- why: uses rebuilt tkr custom-v1-26-5\n\n' +
      '### `workload-vsphere-template` (changed)\n\n- why: uses rebuilt image ubuntu-2004-vsphere-plan\n\n' +
      FOOTER;
    const r = run(['review', '--base', 'main', '--head', 'bump-builder']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(expected);

    const m = run(['ci-matrix', '--base', 'main', '--head', 'bump-builder']);
    expect(m.code, m.stderr).toBe(0);
    const images = SAMPLE_IMAGES.map(([project, infra]) => `{"project":"${project}","infra":"${infra}"}`).join(',');
    expect(m.stdout).toBe(
      `{"base":"${mainSha}","head":"${head}","images":[${images}],"tkrs":["custom-v1-26-5"],"clusters":["workload-vsphere","workload-vsphere-template"],"imageCount":9,"finalCount":3}\n`,
    );
  });

  it('the base is the merge-base: after main moves on, the branch still shows only its own change', () => {
    ws.git(['checkout', '-q', 'main']);
    ws.write('images/ubuntu-2004-aws-stig/image.yaml', ws.read('images/ubuntu-2004-aws-stig/image.yaml') + 'extraPackages: [jq]\n');
    ws.commitAll('main moves on');
    const m = run(['ci-matrix', '--base', 'main', '--head', 'add-image']);
    expect(m.code, m.stderr).toBe(0);
    expect(JSON.parse(m.stdout)).toMatchObject({
      base: mainSha,
      images: [{ project: NEW_IMAGE, infra: 'vsphere' }],
      tkrs: [],
      clusters: [],
    });
  });

  it('an unknown ref is a clear error', () => {
    const r = run(['ci-matrix', '--base', 'no-such-branch']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'kiln ci-matrix: no-such-branch is not a commit of this repository\n  hint: pass a branch, tag or SHA the clone has (git fetch it first)\n',
    );
  });
});
