// `kiln bom import`: copies a TKr BoM byte-for-byte into tkrs/<name>/ and, when absent, writes a starter tkr.yaml.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { KilnError } from '@kiln/errors';
import { bomReleaseVersion } from '@kiln/render';
import { writeFileAtomic } from '@kiln/steps';
import { checkNameFreeAcrossKinds } from '@kiln/nx/src/generators/new-project-checks';
import { tkrYaml } from '@kiln/nx/src/generators/spec-text';
import { diskView } from '@kiln/nx/src/generators/tree-view';
import { defineCommand, UsageError } from './command-args';
import { workspaceRoot } from './workspace-root';

const BOM_IMPORT_USAGE = `usage: kiln bom import <tkr-name> [--from FILE | --version VERSION] [--force] [--root DIR]

Copies a TKr BoM, byte for byte, into tkrs/<tkr-name>/ and writes a starter tkr.yaml there if it has none.
  --version VERSION   ~/.config/tanzu/tkg/bom/tkr-bom-VERSION.yaml (e.g. v1.26.5+vmware.2-tkg.1)
  --from FILE         any BoM file
  --force             replace a different BoM of the same name in tkrs/<tkr-name>/
`;

const NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

export interface BomImportOptions {
  root: string;
  tkr: string;
  from?: string;
  version?: string;
  /** Home folder holding .config/tanzu/tkg/bom/. */
  home: string;
  force?: boolean;
}

export interface BomImportResult {
  source: string;
  /** Workspace-relative path of the copy. */
  bomFile: string;
  version: string;
  /** The copy already had exactly these bytes. */
  unchanged: boolean;
  /** Workspace-relative path of the starter tkr.yaml, when one was written. */
  starter?: string;
  /** bom: of an existing tkr.yaml, when it names another file. */
  otherBom?: string;
}

export function tanzuBomDir(home: string): string {
  return join(home, '.config', 'tanzu', 'tkg', 'bom');
}

/** The starter is the tkr generator's tkr.yaml with no images yet (validation then names the one thing left to fill in). */
function starterTkrYaml(bomFile: string, version: string): string {
  return tkrYaml({
    bom: bomFile,
    version,
    suffix: 'custom',
    images: [],
    context: 'CHANGE-ME',
    writtenBy: 'starter written by kiln bom import',
  });
}

function sourceOf(o: BomImportOptions): string {
  if (o.from !== undefined) {
    const file = resolve(o.from);
    if (!existsSync(file))
      throw new KilnError('BOM_NOT_FOUND', `file not found: ${o.from}`, {
        hint: 'pass the path of a TKr BoM file (tkr-bom-<version>.yaml)',
      });
    return file;
  }
  const dir = tanzuBomDir(o.home);
  const file = join(dir, `tkr-bom-${o.version}.yaml`);
  if (!existsSync(file)) {
    const known = existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => /^tkr-bom-.+\.yaml$/.test(f))
          .sort()
      : [];
    throw new KilnError('BOM_NOT_FOUND', `no BoM for ${o.version}: ${file} does not exist`, {
      hint: known.length
        ? `BoMs there: ${known.map((f) => f.slice('tkr-bom-'.length, -'.yaml'.length)).join(', ')}`
        : 'the tanzu CLI downloads BoMs when it talks to a management cluster of that release; or pass --from FILE',
    });
  }
  return file;
}

export function bomImport(o: BomImportOptions): BomImportResult {
  if (!NAME.test(o.tkr)) {
    throw new KilnError('BOM_IMPORT_NAME', `tkr name ${JSON.stringify(o.tkr)} is not a valid project name`, {
      hint: "use lowercase letters, digits and '-' (it becomes the folder tkrs/<name>/)",
    });
  }
  // Same rule as nx g @kiln/nx:tkr: a tkr may not take the name of an image or cluster project.
  checkNameFreeAcrossKinds(diskView(o.root), 'tkr', o.tkr);
  const source = sourceOf(o);
  const bytes = readFileSync(source);
  const version = bomReleaseVersion(bytes.toString('utf8'), source);
  const name = basename(source);
  const bomFile = `tkrs/${o.tkr}/${name}`;
  const target = join(o.root, bomFile);
  let unchanged = false;
  if (existsSync(target)) {
    unchanged = readFileSync(target).equals(bytes);
    if (!unchanged && !o.force) {
      throw new KilnError('BOM_EXISTS', `${bomFile} exists and differs from ${source}`, {
        file: bomFile,
        hint: 'pass --force to replace it',
      });
    }
  }
  if (!unchanged) writeFileAtomic(target, bytes);
  const tkrFile = `tkrs/${o.tkr}/tkr.yaml`;
  const result: BomImportResult = { source, bomFile, version, unchanged };
  if (!existsSync(join(o.root, tkrFile))) {
    writeFileAtomic(join(o.root, tkrFile), starterTkrYaml(name, version));
    result.starter = tkrFile;
  } else {
    const bom = /^bom:\s*(\S+)/m.exec(readFileSync(join(o.root, tkrFile), 'utf8'))?.[1];
    if (bom !== undefined && bom.replace(/^["']|["']$/g, '') !== name) result.otherBom = bom;
  }
  return result;
}

export const bomImportCommand = defineCommand({
  name: 'bom',
  usage: BOM_IMPORT_USAGE,
  options: { from: { type: 'string' }, version: { type: 'string' }, force: { type: 'boolean' }, root: { type: 'string' } },
  maxPositionals: 2,
  run: async ({ values, positionals }, out) => {
    const [sub, tkr] = positionals;
    if (sub !== 'import' || !tkr || (values.from === undefined) === (values.version === undefined)) {
      throw new UsageError('give import, a tkr name and exactly one of --from FILE or --version VERSION');
    }
    return importBom(tkr, values, out);
  },
});

function importBom(
  tkr: string,
  values: { from?: string; version?: string; force?: boolean; root?: string },
  out: NodeJS.WritableStream,
): number {
  const r = bomImport({
    root: workspaceRoot(values.root),
    tkr,
    from: values.from,
    version: values.version,
    home: homedir(),
    force: values.force,
  });
  out.write(
    r.unchanged
      ? `${r.bomFile} is already a copy of ${r.source} (release.version ${r.version})\n`
      : `copied ${r.source} to ${r.bomFile} (release.version ${r.version})\n`,
  );
  if (r.starter) out.write(`wrote ${r.starter}: list its images, set suffix and managementCluster.context, then run npx kiln validate\n`);
  if (r.otherBom)
    out.write(`note: tkrs/${tkr}/tkr.yaml has bom: ${r.otherBom}; set it to ${basename(r.bomFile)} to use the imported BoM\n`);
  return 0;
}
