// The bad-spec corpus: every file under fixtures/bad fails with exactly the text listed in fixtures/bad/expected.yaml.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatError, KilnErrors, type KilnError } from '@kiln/errors';
import { loadCatalog } from '@kiln/catalog';
import { kilnErrorOf } from '@kiln/testing';
import { loadClusterSpec, loadImageSpec, loadTkrSpec } from './load-spec';

const BAD_DIR = join(__dirname, '..', 'fixtures', 'bad');

/** Fixture folder → how its files are named in messages and how they are loaded. */
const KINDS: Record<string, { folder: string; file: string; load: (file: string, text: string) => unknown }> = {
  image: { folder: 'images', file: 'image.yaml', load: (file, text) => loadImageSpec(file, text, loadCatalog()) },
  tkr: { folder: 'tkrs', file: 'tkr.yaml', load: loadTkrSpec },
  cluster: { folder: 'clusters', file: 'cluster.yaml', load: loadClusterSpec },
};

function readExpected(): Record<string, string> {
  const data: unknown = parse(readFileSync(join(BAD_DIR, 'expected.yaml'), 'utf8'));
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new Error('expected.yaml must be a map');
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== 'string') throw new Error(`expected.yaml: ${key} must map to the error text`);
  }
  return data as Record<string, string>;
}

const expected = readExpected();

/** Every fixture on disk, as `<kind>/<name>.yaml`. */
function fixtureFiles(): string[] {
  return Object.keys(KINDS).flatMap((kind) =>
    readdirSync(join(BAD_DIR, kind))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => `${kind}/${f}`),
  );
}

/** `image/gpu-on-aws.yaml` → `images/gpu-on-aws/image.yaml` (the path a workspace would have). */
function workspaceFile(fixture: string): string {
  const [kind, name] = fixture.split('/');
  return `${KINDS[kind].folder}/${name.replace(/\.yaml$/, '')}/${KINDS[kind].file}`;
}

function errorOf(fixture: string): KilnError {
  const kind = fixture.split('/')[0];
  const text = readFileSync(join(BAD_DIR, fixture), 'utf8');
  return kilnErrorOf(() => KINDS[kind].load(workspaceFile(fixture), text));
}

function errorsOf(e: KilnError): KilnError[] {
  return e instanceof KilnErrors ? e.errors : [e];
}

interface Located {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** The `file:line:column: message` lines of an expected text (hint lines are indented). */
function locatedLines(text: string): Located[] {
  return text
    .split('\n')
    .filter((l) => !l.startsWith(' '))
    .map((l) => {
      const m = /^([^:]+):(\d+):(\d+): (.*)$/.exec(l);
      if (!m) throw new Error(`expected.yaml line without a location: ${l}`);
      return { file: m[1], line: Number(m[2]), column: Number(m[3]), message: m[4] };
    });
}

describe('bad spec corpus', () => {
  it('lists every fixture file in expected.yaml, and only existing fixtures', () => {
    expect(Object.keys(expected).sort()).toEqual(fixtureFiles().sort());
  });

  it('keeps at least 30 fixtures, most of them image specs', () => {
    const files = fixtureFiles();
    expect(files.length).toBeGreaterThanOrEqual(30);
    expect(files.filter((f) => f.startsWith('image/')).length * 2).toBeGreaterThan(files.length);
  });

  for (const [fixture, text] of Object.entries(expected)) {
    it(fixture, () => {
      const error = errorOf(fixture);
      expect(formatError(error)).toBe(text);

      const errors = errorsOf(error);
      const located = locatedLines(text);
      expect(errors.map((e) => ({ file: e.file, line: e.line, column: e.column, message: e.message }))).toEqual(located);
      expect(located.every((l) => l.file === workspaceFile(fixture))).toBe(true);
      expect({ file: error.file, line: error.line, column: error.column }).toEqual({
        file: located[0].file,
        line: located[0].line,
        column: located[0].column,
      });
      for (const e of errors) expect(e.hint, `${e.message} has no hint`).toBeTruthy();

      if (fixture.includes('/multi-error')) {
        expect(errors.length).toBeGreaterThan(1);
        const positions = errors.map((e) => [e.line ?? 0, e.column ?? 0]);
        const inLineOrder = [...positions].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        expect(positions).toEqual(inLineOrder);
      } else {
        expect(errors).toHaveLength(1);
      }
    });
  }
});
