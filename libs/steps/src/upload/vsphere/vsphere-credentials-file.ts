// Reads the vsphere.json named by KILN_VSPHERE_CREDENTIALS_FILE: it must live outside the workspace.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { KilnError } from '@kiln/errors';
import { VSPHERE_CREDENTIALS_FILE_ENV } from '@kiln/render';

/** True when `path` is `root` or below it (both already resolved through symlinks). */
function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
}

/** The file's keys (vcenter_server, username, password, ...), or undefined when the variable is unset. */
export function readVsphereCredentialsFile(workspaceRoot: string, env: NodeJS.ProcessEnv): Record<string, string> | undefined {
  const file = env[VSPHERE_CREDENTIALS_FILE_ENV];
  if (!file) return undefined;
  const abs = resolve(file);
  if (!existsSync(abs))
    throw new KilnError('CREDENTIALS_MISSING', `vSphere credentials file not found: ${file}`, {
      hint: `fix ${VSPHERE_CREDENTIALS_FILE_ENV}`,
    });
  if (isInside(realpathSync(workspaceRoot), realpathSync(abs))) {
    throw new KilnError('CREDENTIALS_IN_REPO', `${VSPHERE_CREDENTIALS_FILE_ENV} points inside the workspace (${file})`, {
      hint: 'keep credential files outside the repository so they never reach git or the Nx cache',
    });
  }
  try {
    return JSON.parse(readFileSync(abs, 'utf8')) as Record<string, string>;
  } catch {
    // The parser's message may quote the file's content: never repeat it.
    throw new KilnError('CREDENTIALS_INVALID', `vSphere credentials file is not valid JSON: ${file}`, {
      hint: 'it must be the vsphere.json object of the TKG guide (string values)',
    });
  }
}
