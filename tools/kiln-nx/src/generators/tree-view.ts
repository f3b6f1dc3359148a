// WorkspaceView over an Nx Tree (generators) or a folder on disk (kiln bom import).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Tree } from '@nx/devkit';
import type { WorkspaceView } from './new-project-checks';

export function treeView(tree: Tree): WorkspaceView {
  return {
    exists: (p) => tree.exists(p),
    read: (p) => (tree.exists(p) ? (tree.read(p, 'utf8') ?? undefined) : undefined),
    children: (d) => tree.children(d).sort(),
  };
}

export function diskView(root: string): WorkspaceView {
  return {
    exists: (p) => existsSync(join(root, p)),
    read: (p) => (existsSync(join(root, p)) && statSync(join(root, p)).isFile() ? readFileSync(join(root, p), 'utf8') : undefined),
    children: (d) => (existsSync(join(root, d)) ? readdirSync(join(root, d)).sort() : []),
  };
}
