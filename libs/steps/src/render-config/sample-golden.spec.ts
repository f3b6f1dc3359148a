// Golden files: every sample image under images/ rendered byte-for-byte as in libs/steps/golden/<image>/.
// Regenerate after an intended renderer change with: UPDATE_GOLDEN=1 npx vitest run src/sample-golden.spec.ts
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderImageConfig } from '@kiln/render';
import { loadImageContext } from '../shared/load-image-context';
import { normalizeSettings } from '../shared/workspace-settings';

const repoRoot = resolve(__dirname, '..', '..', '..', '..');
const goldenRoot = resolve(__dirname, '..', '..', 'golden');
const update = process.env.UPDATE_GOLDEN === '1';

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
  it('there is one golden folder per sample image and no other', () => {
    expect(images.length).toBeGreaterThan(0);
    if (update) for (const image of images) mkdirSync(join(goldenRoot, image), { recursive: true });
    expect(listDir(goldenRoot)).toEqual(images);
  });

  it.each(images)('%s renders exactly its golden files', (image) => {
    const files = renderImageConfig(loadImageContext(repoRoot, image, normalizeSettings(undefined)));
    const dir = join(goldenRoot, image);
    if (update) {
      mkdirSync(dir, { recursive: true });
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    }
    // A golden file that is missing or no longer rendered fails: regenerate (UPDATE_GOLDEN=1) and review the diff.
    expect(listDir(dir)).toEqual(Object.keys(files).sort());
    for (const [name, text] of Object.entries(files)) {
      expect({ file: `${image}/${name}`, text }).toEqual({ file: `${image}/${name}`, text: readFileSync(join(dir, name), 'utf8') });
    }
  });
});
