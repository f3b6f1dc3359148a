import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@kiln/testing';
import { commitTag, gitSourceOf, provenanceFile, readBuildSource } from './provenance-source';

const COMMIT = '3f2c1a9b8e7d6c5b4a39281706f5e4d3c2b1a098';
const statement = (predicate: unknown) => ({
  _type: 'https://in-toto.io/Statement/v1',
  subject: [{ name: 'x.ova', digest: { sha256: 'ab'.repeat(32) } }],
  predicate,
});

describe('gitSourceOf', () => {
  it('reads the gitCommit of a SLSA v1 resolved dependency, with its dirty annotation', () => {
    const s = statement({
      buildDefinition: {
        resolvedDependencies: [
          { uri: 'file:images/x/image.yaml', digest: { sha256: 'cd'.repeat(32) } },
          { uri: 'git+file:///ws', digest: { gitCommit: COMMIT }, annotations: { dirty: true } },
        ],
      },
    });
    expect(gitSourceOf(s)).toEqual({ commit: COMMIT, dirty: true });
  });

  it('reads the sha1 of a git+ material of SLSA v0.2', () => {
    expect(
      gitSourceOf(statement({ materials: [{ uri: 'git+https://example.invalid/kiln@refs/heads/main', digest: { sha1: COMMIT } }] })),
    ).toEqual({ commit: COMMIT, dirty: undefined });
  });

  it('falls back to a gitCommit and dirty field anywhere in the statement', () => {
    expect(gitSourceOf(statement({ runDetails: { metadata: { source: { gitCommit: COMMIT, dirty: false } } } }))).toEqual({
      commit: COMMIT,
      dirty: false,
    });
  });

  it('ignores a value that is not a commit id', () => {
    expect(gitSourceOf(statement({ materials: [{ uri: 'git+x', digest: { sha1: 'main' } }], gitCommit: 'HEAD' }))).toEqual({});
  });

  it('finds nothing in a statement without git, or in something that is not a statement', () => {
    expect([gitSourceOf(statement({ buildDefinition: {} })), gitSourceOf(undefined), gitSourceOf([COMMIT]), gitSourceOf('x')]).toEqual([
      {},
      {},
      {},
      {},
    ]);
  });
});

describe('readBuildSource', () => {
  const write = (root: string, text: string) => {
    const file = join(root, provenanceFile('img'));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  };

  it('reads the commit of dist/images/<name>/build/provenance.json', () => {
    const root = tempDir('kiln-provenance-');
    write(
      root,
      JSON.stringify(
        statement({
          buildDefinition: { resolvedDependencies: [{ name: 'source', digest: { gitCommit: COMMIT }, annotations: { dirty: false } }] },
        }),
      ),
    );
    expect(readBuildSource(root, 'img')).toEqual({ commit: COMMIT, dirty: false });
  });

  it('finds nothing when the build wrote no provenance record, or an unreadable one', () => {
    const missing = tempDir('kiln-provenance-');
    const broken = tempDir('kiln-provenance-');
    write(broken, '{"_type": ');
    expect([readBuildSource(missing, 'img'), readBuildSource(broken, 'img')]).toEqual([{}, {}]);
  });
});

describe('commitTag', () => {
  it('is the commit, with -dirty when tracked files differed, and nothing without a commit', () => {
    expect([commitTag({ commit: COMMIT, dirty: false }), commitTag({ commit: COMMIT, dirty: true }), commitTag({})]).toEqual([
      COMMIT,
      `${COMMIT}-dirty`,
      undefined,
    ]);
  });
});
