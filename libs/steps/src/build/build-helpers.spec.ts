import { writeFileSync } from 'node:fs';
import type { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@kiln/testing';
import { advertiseAddress, detectAddress } from '../pull-bundle/advertise-address';
import { amisFromLog, amisFromManifest, sigVersionFromLog } from './artifact-record';
import { BuildProgress, formatElapsed, phaseOf } from './build-progress';
import { acquireLock } from '../shared/file-lock';

type Interfaces = ReturnType<typeof networkInterfaces>;
const iface = (address: string, internal = false) => ({ address, family: 'IPv4', internal, netmask: '', mac: '', cidr: null }) as never;

describe('advertised address', () => {
  const interfaces: Interfaces = {
    lo: [iface('127.0.0.1', true)],
    docker0: [iface('172.17.0.1')],
    'br-1a2b': [iface('172.18.0.1')],
    eth0: [iface('10.20.30.40')],
  };

  it('detects the host address the build VMs can reach, never loopback or container bridges', () => {
    expect(detectAddress(interfaces)).toBe('10.20.30.40');
    expect(detectAddress({ lo: [iface('127.0.0.1', true)], docker0: [iface('172.17.0.1')] })).toBeUndefined();
  });

  it('KILN_ADVERTISE_ADDRESS wins over the workspace setting, which wins over detection', () => {
    expect(advertiseAddress('192.0.2.5', { KILN_ADVERTISE_ADDRESS: '198.51.100.7' }, interfaces)).toBe('198.51.100.7');
    expect(advertiseAddress('192.0.2.5', {}, interfaces)).toBe('192.0.2.5');
    expect(advertiseAddress(undefined, {}, interfaces)).toBe('10.20.30.40');
  });

  it('fails with a hint when nothing usable is found (127.0.0.1 only when set explicitly)', () => {
    expect(() => advertiseAddress(undefined, {}, { lo: [iface('127.0.0.1', true)] })).toThrow(/no address of this host/);
    expect(advertiseAddress('127.0.0.1', {}, { lo: [iface('127.0.0.1', true)] })).toBe('127.0.0.1');
  });
});

describe('artifact parsing', () => {
  it('reads region → AMI from the last run of a packer manifest', () => {
    const manifest = {
      builds: [
        { artifact_id: 'us-east-1:ami-old', packer_run_uuid: 'a' },
        { artifact_id: 'us-east-1:ami-0abc,us-west-2:ami-0def', packer_run_uuid: 'b' },
      ],
      last_run_uuid: 'b',
    };
    expect(amisFromManifest(JSON.stringify(manifest))).toEqual({ 'us-east-1': 'ami-0abc', 'us-west-2': 'ami-0def' });
  });

  it('reads AMIs from the "AMIs were created" block of the log', () => {
    expect(
      amisFromLog([
        '==> Builds finished.',
        '--> amazon-ebs: AMIs were created:',
        'us-east-1: ami-0123456789abcdef0',
        'eu-west-1: ami-0fedcba9876543210',
      ]),
    ).toEqual({
      'us-east-1': 'ami-0123456789abcdef0',
      'eu-west-1': 'ami-0fedcba9876543210',
    });
    expect(amisFromLog(['us-east-1: ami-0123 (no header)'])).toEqual({});
  });

  it('reads the Shared Image Gallery image version id from the Azure output', () => {
    const id = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/i/versions/0.1.7';
    expect(sigVersionFromLog(['x', `ManagedImageSharedImageGalleryId: ${id}`, 'y'])).toBe(id);
    expect(sigVersionFromLog(['nothing'])).toBeUndefined();
  });
});

describe('build progress', () => {
  it('names the packer/ansible phase of a line', () => {
    expect(phaseOf('==> vsphere-iso: Provisioning with Ansible...')).toBe('provisioning with ansible');
    expect(phaseOf('==> vsphere-iso: Running goss tests...')).toBe('running goss');
    expect(phaseOf('==> vsphere-iso: Exporting OVA...')).toBe('exporting OVA');
    expect(phaseOf('==> amazon-ebs: Creating AMI capa-ami-x')).toBe('creating AMI');
    expect(phaseOf('just a line')).toBeUndefined();
  });

  it('prints a line with the elapsed time only when the phase changes, and heartbeats', () => {
    let now = 0;
    const out: string[] = [];
    const p = new BuildProgress(
      (t) => out.push(t),
      '[img] ',
      () => now,
    );
    now = 65_000;
    p.line('==> vsphere-iso: Provisioning with Ansible...');
    p.line('TASK [tkg : Install containerd] ansible-playbook');
    now = 3_725_000;
    p.heartbeat();
    expect(out).toEqual([
      '[img] ▶ provisioning with ansible (elapsed 1m05s)\n',
      '[img] … still provisioning with ansible (elapsed 1h02m)\n',
    ]);
    expect(formatElapsed(59_999)).toBe('0m59s');
  });
});

describe('file lock', () => {
  it('lets one holder in at a time and frees a lock whose owner process is gone', async () => {
    const lock = join(tempDir(), 'x.lock');
    const release = await acquireLock(lock, 5_000);
    let second = false;
    const waiting = acquireLock(lock, 5_000).then((r) => {
      second = true;
      return r;
    });
    await sleep(400);
    expect(second).toBe(false);
    release();
    (await waiting)();
    expect(second).toBe(true);

    writeFileSync(lock, '999999999 00\n');
    (await acquireLock(lock, 2_000))();
  });

  it('times out with a clear message while a live process holds it', async () => {
    const dir = tempDir();
    const release = await acquireLock(join(dir, 'y.lock'), 1_000);
    await expect(acquireLock(join(dir, 'y.lock'), 300)).rejects.toThrow(/another Kiln process holds/);
    release();
  });
});
