import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isKilnError } from '@kiln/errors';
import { tempDir } from '@kiln/testing';
import { readVsphereCredentialsFile } from './vsphere-credentials-file';

const dir = tempDir('kiln-vsphere-file-spec-');
const workspace = join(dir, 'ws');
mkdirSync(workspace);
const CONTENT = JSON.stringify({ vcenter_server: 'vc', username: 'u', password: 'p' });

function codeOf(file: string): string {
  try {
    readVsphereCredentialsFile(workspace, { KILN_VSPHERE_CREDENTIALS_FILE: file });
    return 'read';
  } catch (e) {
    if (isKilnError(e)) return e.code;
    throw e;
  }
}

describe('KILN_VSPHERE_CREDENTIALS_FILE must be outside the workspace', () => {
  it('reads a file beside the workspace, even in a folder whose name starts with ".." (e.g. "..x")', () => {
    mkdirSync(join(dir, '..x'));
    writeFileSync(join(dir, '..x', 'vsphere.json'), CONTENT);
    writeFileSync(join(dir, 'vsphere.json'), CONTENT);
    expect([codeOf(join(dir, 'vsphere.json')), codeOf(join(dir, '..x', 'vsphere.json'))]).toEqual(['read', 'read']);
  });

  it('refuses a file inside the workspace, also in a folder named "..x" inside it', () => {
    mkdirSync(join(workspace, '..x'));
    writeFileSync(join(workspace, '..x', 'vsphere.json'), CONTENT);
    writeFileSync(join(workspace, 'vsphere.json'), CONTENT);
    expect([codeOf(join(workspace, 'vsphere.json')), codeOf(join(workspace, '..x', 'vsphere.json'))]).toEqual([
      'CREDENTIALS_IN_REPO',
      'CREDENTIALS_IN_REPO',
    ]);
  });

  it('refuses a symlink outside the workspace that points at a file inside it', () => {
    writeFileSync(join(workspace, 'secret.json'), CONTENT);
    symlinkSync(join(workspace, 'secret.json'), join(dir, 'link.json'));
    expect(codeOf(join(dir, 'link.json'))).toBe('CREDENTIALS_IN_REPO');
  });
});
