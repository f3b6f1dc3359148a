import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { kilnErrorOf, runCli, tempDir } from '@kiln/testing';
import { loadTkrSpec } from '@kiln/schema';
import { bomImport, tanzuBomDir } from './bom-import-command';
import { main } from './main';

const V = 'v1.26.5+vmware.2-tkg.1';
/** A BoM with a comment, odd spacing and no final newline: the copy must keep every byte. */
const BOM = `# a comment\napiVersion: run.tanzu.vmware.com/v1alpha2\nrelease:\n  version:  ${V}\nova:\n    - name: x`;
let dir: string;
let root: string;
let home: string;

beforeEach(() => {
  dir = tempDir('kiln-bom-import-');
  root = join(dir, 'ws');
  home = join(dir, 'home');
  mkdirSync(root);
  writeFileSync(join(root, 'nx.json'), '{}\n');
  mkdirSync(tanzuBomDir(home), { recursive: true });
  writeFileSync(join(tanzuBomDir(home), `tkr-bom-${V}.yaml`), BOM);
});

const kiln = (...argv: string[]) => runCli(main, argv);

describe('kiln bom import', () => {
  it('--version copies ~/.config/tanzu/tkg/bom/tkr-bom-<version>.yaml byte for byte into tkrs/<name>/', () => {
    const r = bomImport({ root, tkr: 'custom', version: V, home });
    expect(r.bomFile).toBe(`tkrs/custom/tkr-bom-${V}.yaml`);
    expect(readFileSync(join(root, r.bomFile)).equals(Buffer.from(BOM))).toBe(true);
  });

  it('writes a starter tkr.yaml with the schema line when the tkr has none', () => {
    bomImport({ root, tkr: 'custom', version: V, home });
    const text = readFileSync(join(root, 'tkrs/custom/tkr.yaml'), 'utf8');
    expect(text.split('\n').slice(0, 3)).toEqual([
      '# yaml-language-server: $schema=../../libs/schema/src/schemas/tkr.schema.json',
      `# Custom TKr based on tkr-bom-${V}.yaml (release.version ${V}); starter written by kiln bom import.`,
      `bom: tkr-bom-${V}.yaml`,
    ]);
    // The starter asks for images: validation names the one thing left to fill in.
    const e = kilnErrorOf(() => loadTkrSpec('tkrs/custom/tkr.yaml', text));
    expect([e.message, e.line, e.hint]).toEqual([
      '/images must list at least 1 item(s)',
      7,
      'list at least one image project (a folder name under images/)',
    ]);
  });

  it('leaves an existing tkr.yaml alone and says when its bom: names another file', async () => {
    mkdirSync(join(root, 'tkrs/custom'), { recursive: true });
    writeFileSync(join(root, 'tkrs/custom/tkr.yaml'), 'bom: old.yaml\n');
    const from = join(dir, 'tkr-bom-other.yaml');
    writeFileSync(from, BOM);
    const r = await kiln('bom', 'import', 'custom', '--from', from, '--root', root);
    expect(r).toEqual({
      code: 0,
      stdout: `copied ${from} to tkrs/custom/tkr-bom-other.yaml (release.version ${V})\nnote: tkrs/custom/tkr.yaml has bom: old.yaml; set it to tkr-bom-other.yaml to use the imported BoM\n`,
      stderr: '',
    });
    expect(readFileSync(join(root, 'tkrs/custom/tkr.yaml'), 'utf8')).toBe('bom: old.yaml\n');
  });

  it('a missing --version BoM is an error listing the versions that are there', () => {
    const e = kilnErrorOf(() => bomImport({ root, tkr: 'custom', version: 'v1.25.7+vmware.2-tkg.1', home }));
    expect([e.code, e.message, e.hint]).toEqual([
      'BOM_NOT_FOUND',
      `no BoM for v1.25.7+vmware.2-tkg.1: ${join(tanzuBomDir(home), 'tkr-bom-v1.25.7+vmware.2-tkg.1.yaml')} does not exist`,
      `BoMs there: ${V}`,
    ]);
  });

  it('a missing --from file is an error printed without a stack', async () => {
    const r = await kiln('bom', 'import', 'custom', '--from', join(dir, 'nope.yaml'), '--root', root);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `kiln bom: file not found: ${join(dir, 'nope.yaml')}\n  hint: pass the path of a TKr BoM file (tkr-bom-<version>.yaml)\n`,
    );
  });

  it('a file that is not a BoM is refused and nothing is copied', () => {
    const from = join(dir, 'cm.yaml');
    writeFileSync(from, 'kind: ConfigMap\n');
    const e = kilnErrorOf(() => bomImport({ root, tkr: 'custom', from, home }));
    expect(e.code).toBe('BOM_NO_RELEASE_VERSION');
    expect(existsSync(join(root, 'tkrs/custom'))).toBe(false);
  });

  it('a different BoM of the same name is only replaced with --force', () => {
    bomImport({ root, tkr: 'custom', version: V, home });
    writeFileSync(join(tanzuBomDir(home), `tkr-bom-${V}.yaml`), BOM + '\n# changed\n');
    const e = kilnErrorOf(() => bomImport({ root, tkr: 'custom', version: V, home }));
    expect([e.code, e.message]).toEqual([
      'BOM_EXISTS',
      `tkrs/custom/tkr-bom-${V}.yaml exists and differs from ${join(tanzuBomDir(home), `tkr-bom-${V}.yaml`)}`,
    ]);
    bomImport({ root, tkr: 'custom', version: V, home, force: true });
    expect(readFileSync(join(root, `tkrs/custom/tkr-bom-${V}.yaml`), 'utf8')).toBe(BOM + '\n# changed\n');
  });

  it('needs a tkr name and exactly one of --from or --version', async () => {
    const r = await kiln('bom', 'import', 'custom', '--root', root);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('kiln bom: give import, a tkr name and exactly one of --from FILE or --version VERSION');
  });

  it('refuses a tkr name that is not a project name', () => {
    const e = kilnErrorOf(() => bomImport({ root, tkr: 'My TKr', version: V, home }));
    expect([e.code, e.message]).toEqual(['BOM_IMPORT_NAME', 'tkr name "My TKr" is not a valid project name']);
  });
});
