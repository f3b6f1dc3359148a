// Golden files: every sample image under images/ rendered byte-for-byte as in libs/steps/golden/<image>/.
// Regenerate after an intended renderer change with: npx vitest run src/render-config/sample-golden.spec.ts -u
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoPath, repoRoot } from '@kiln/testing';
import { renderImageConfig } from '@kiln/render';
import { loadImageContext } from '../shared/load-image-context';
import { normalizePluginOptions } from '../shared/workspace-settings';

const goldenRoot = repoPath('libs', 'steps', 'golden');

function sampleImages(): string[] {
  const dir = join(repoRoot, 'images');
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'image.yaml')))
    .map((e) => e.name)
    .sort();
}

function listDir(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

const images = sampleImages();

describe('sample image golden files', () => {
  it.each(images)('%s renders exactly its golden files', async (image) => {
    const files = renderImageConfig(loadImageContext(repoRoot, image, normalizePluginOptions(undefined)));
    const dir = join(goldenRoot, image);
    for (const [name, text] of Object.entries(files)) await expect(text, `${image}/${name}`).toMatchFileSnapshot(join(dir, name));
    // A golden file that is no longer rendered fails (the run with -u writes golden files, it removes none).
    expect(listDir(dir)).toEqual(Object.keys(files).sort());
  });

  it('there is one golden folder per sample image and no other', () => {
    expect(images.length).toBeGreaterThan(0);
    expect(listDir(goldenRoot)).toEqual(images);
  });
});
