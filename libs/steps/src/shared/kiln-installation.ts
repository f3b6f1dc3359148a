// This Kiln installation: the folder holding libs/ (the {kiln} token of build-plan.json) and its version.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KilnError } from '@kiln/errors';

/** The Kiln installation this code runs from (never the user's workspace, which may be elsewhere). */
export const KILN_ROOT = resolve(__dirname, '..', '..', '..', '..');

/** The version in the installation's package.json (provenance.json's builder version, the SBOM's tool). */
export function kilnVersion(root: string = KILN_ROOT): string {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof manifest.version !== 'string') {
    throw new KilnError('KILN_INSTALLATION', `${join(root, 'package.json')} has no version`, { hint: 'reinstall Kiln' });
  }
  return manifest.version;
}
