import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { govcFailureReason, openGovcSession } from './govc-session';

describe('govcFailureReason', () => {
  it('keeps govc text errors without the "govc: " prefix (GOVC_FORMAT_ERROR=false, as govc 0.24 prints against vcsim)', () => {
    expect(govcFailureReason('govc: ServerFaultCode: Login failure\n')).toBe('ServerFaultCode: Login failure');
  });

  it('drops the prefix also when govc was started by its full path', () => {
    expect(govcFailureReason("/usr/local/bin/govc: vm '/DC0/vm/x' not found")).toBe("vm '/DC0/vm/x' not found");
  });

  it('says govc printed no reason for the empty JSON object govc 0.24 prints under -json', () => {
    expect(govcFailureReason('{}\n')).toBe('govc printed no reason');
  });

  it('finds the message inside a JSON error object, however deep', () => {
    expect(govcFailureReason(JSON.stringify({ fault: { faultCause: null, faultMessage: [{ key: 'x', message: 'Login failure' }] } }))).toBe(
      'Login failure',
    );
  });
});

describe('openGovcSession', () => {
  it('makes a private 0700 GOVMOMI_HOME with session persistence and JSON errors off, and removes it with its content', () => {
    const session = openGovcSession();
    const home = session.env.GOVMOMI_HOME!;
    expect(session.env).toEqual({ GOVMOMI_HOME: home, GOVC_PERSIST_SESSION: 'false', GOVC_FORMAT_ERROR: 'false' });
    expect(statSync(home).mode & 0o777).toBe(0o700);
    writeFileSync(join(home, 'left-by-govc'), 'x');
    session.dispose();
    expect(existsSync(home)).toBe(false);
  });
});
