// render-config renders a revoked image (review and the catalog still need it), byte for byte as before: revoking
// changes no rendered file, so the content key, and what upload matches in the cloud, stay the same.
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '@kiln/testing';
import { contentKey } from '../build/artifact-record';
import { normalizePluginOptions } from '../shared/workspace-settings';
import { renderConfigStep } from './render-config-step';

const IMAGE = 'ubuntu-2004-vsphere-class';
const SETTINGS = normalizePluginOptions(undefined);

function renderIn(revoked: boolean): string {
  const root = tempDir('kiln-render-revoked-');
  mkdirSync(join(root, 'images', IMAGE), { recursive: true });
  symlinkSync(join(repoRoot, SETTINGS.configBundlesDir), join(root, SETTINGS.configBundlesDir));
  const text = readFileSync(join(repoRoot, 'images', IMAGE, 'image.yaml'), 'utf8');
  writeFileSync(join(root, 'images', IMAGE, 'image.yaml'), revoked ? `${text}revoked:\n  reason: CVE-2026-0001\n  at: 2026-02-20\n` : text);
  renderConfigStep({ workspaceRoot: root, image: IMAGE, outputPath: 'config', settings: SETTINGS });
  return join(root, 'config');
}

describe('render-config of a revoked image', () => {
  it('renders the same files with the same bytes as without revoked:, so the content key is unchanged', () => {
    const [plain, revoked] = [renderIn(false), renderIn(true)];
    const files = readdirSync(plain).sort();
    expect(readdirSync(revoked).sort()).toEqual(files);
    expect(files.map((f) => readFileSync(join(revoked, f), 'utf8'))).toEqual(files.map((f) => readFileSync(join(plain, f), 'utf8')));
    expect(contentKey(revoked)).toBe(contentKey(plain));
  });
});
