// The workspace's sample specs: each loads cleanly and points its editor at the right JSON Schema.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot as WORKSPACE } from '@kiln/testing';
import { loadCatalog } from '@kiln/catalog';
import { loadClusterSpec, loadImageSpec, loadTkrSpec } from './load-spec';
import type { SpecKind } from './schema-validator';

const SCHEMA_LINE = /^# yaml-language-server: \$schema=(\S+)$/;

const KINDS: Record<SpecKind, { folder: string; load: (file: string, text: string) => unknown }> = {
  image: { folder: 'images', load: (file, text) => loadImageSpec(file, text, loadCatalog()) },
  tkr: { folder: 'tkrs', load: loadTkrSpec },
  cluster: { folder: 'clusters', load: loadClusterSpec },
};

/** Workspace-relative spec files of one kind: <folder>/<project>/<kind>.yaml. */
function specFiles(kind: SpecKind): string[] {
  const folder = KINDS[kind].folder;
  return readdirSync(join(WORKSPACE, folder), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => `${folder}/${d.name}/${kind}.yaml`)
    .filter((f) => existsSync(join(WORKSPACE, f)))
    .sort();
}

for (const kind of Object.keys(KINDS) as SpecKind[]) {
  describe(`sample ${kind} specs`, () => {
    const files = specFiles(kind);

    it(`finds ${kind}.yaml files under ${KINDS[kind].folder}/`, () => {
      expect(files.length).toBeGreaterThan(0);
    });

    for (const file of files) {
      it(`${file} loads without error`, () => {
        const text = readFileSync(join(WORKSPACE, file), 'utf8');
        expect(() => KINDS[kind].load(file, text)).not.toThrow();
      });

      it(`${file} starts with a yaml-language-server line pointing at ${kind}.schema.json`, () => {
        const firstLine = readFileSync(join(WORKSPACE, file), 'utf8').split('\n')[0];
        const match = SCHEMA_LINE.exec(firstLine);
        expect(match, `first line: ${firstLine}`).not.toBeNull();
        const schema = resolve(WORKSPACE, dirname(file), match![1]);
        expect(relative(WORKSPACE, schema)).toBe(`libs/schema/src/schemas/${kind}.schema.json`);
        expect(existsSync(schema)).toBe(true);
      });
    }
  });
}
