// What a module loads when it runs: the workspace files reachable through its value imports (type-only imports
// load nothing), and the npm packages among them. Resolved as TypeScript does, with the workspace's tsconfig.
import { builtinModules } from 'node:module';
import { readFileSync, realpathSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

export interface ImportClosure {
  /** Workspace-relative files, sorted. */
  files: string[];
  /** npm package names, sorted. */
  packages: string[];
}

/** The module specifiers of a file's imports and re-exports that load something at run time. */
function valueImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, false);
  const specs: string[] = [];
  for (const node of source.statements) {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (!clause.name &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) specs.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier) && !node.isTypeOnly) {
      specs.push(node.moduleSpecifier.text);
    }
  }
  return specs;
}

function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The closure of `entries` (workspace-relative) inside the workspace at `root`. */
export function importClosure(root: string, entries: string[]): ImportClosure {
  const config = ts.readConfigFile(join(root, 'tsconfig.base.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const realRoot = realpathSync(root);
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = entries.map((e) => join(realRoot, e));
  while (queue.length > 0) {
    const file = queue.shift()!;
    const rel = relative(realRoot, file);
    if (files.has(rel)) continue;
    files.add(rel);
    if (!/\.tsx?$/.test(file) || file.endsWith('.d.ts')) continue;
    for (const spec of valueImports(file)) {
      if (spec.startsWith('node:') || builtinModules.includes(spec)) continue;
      const resolved = ts.resolveModuleName(spec, file, options, ts.sys).resolvedModule;
      const real = resolved ? realpathSync(resolved.resolvedFileName) : undefined;
      const inWorkspace = real !== undefined && !relative(realRoot, real).startsWith('..') && !real.split(sep).includes('node_modules');
      if (inWorkspace) queue.push(real);
      else packages.add(packageName(spec));
    }
  }
  return { files: [...files].sort(), packages: [...packages].sort() };
}
