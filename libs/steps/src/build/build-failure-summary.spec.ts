// The failure summary printed before the log tail, on realistic failed image-builder runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatBuildFailureSummary, summarizeBuildFailure } from './build-failure-summary';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'build-failure');
const LOG = 'dist/images/x/build/build.log';
const linesOf = (name: string) => readFileSync(join(fixtures, 'logs', name), 'utf8').split('\n');
const summaryOf = (name: string) => summarizeBuildFailure(linesOf(name), { logPath: LOG });

describe('summarizeBuildFailure', () => {
  it('names the failing Ansible task, its host and msg, skipping an earlier ignored failure', () => {
    expect(summaryOf('ansible-download-failed.vsphere.log').failedTask).toEqual({
      task: 'containerd : Download containerd',
      role: 'containerd',
      name: 'Download containerd',
      host: 'default',
      message: 'Request failed: <urlopen error timed out>',
      line: 38,
    });
  });

  it("gives the phase the build was in when the task failed, named by the build step's phaseOf", () => {
    expect(summaryOf('ansible-download-failed.vsphere.log').phase).toBe('provisioning with ansible');
  });

  it('names the loop item of a failed loop task (role given by path, as custom_role_names lists it)', () => {
    expect(summaryOf('ansible-loop-item-failed.aws.log').failedTask).toMatchObject({
      task: '/home/imagebuilder/tkg : Install extra debs',
      role: '/home/imagebuilder/tkg',
      item: 'nfs-commn',
      message: "No package matching 'nfs-commn' is available",
    });
  });

  it('lists each failed goss check of the documentation format, not the skipped one', () => {
    expect(summaryOf('goss-documentation-failed.aws.log').gossFailures).toEqual([
      { check: 'Package: aide: installed', detail: 'Expected\n    <bool>: false\nto equal\n    <bool>: true' },
      {
        check: 'Service: auditd: running',
        detail: 'Expected\n    <bool>: false\nto equal\n    <bool>: true',
        title: 'auditd collects audit events (CIS 4.1.1.2)',
      },
    ]);
  });

  it("reads goss's Count/Failed/Skipped line", () => {
    expect(summaryOf('goss-documentation-failed.aws.log').gossCounts).toEqual({ count: 80, failed: 2, skipped: 1 });
  });

  it("lists each failed goss check of the JSON format (image-builder's default), not the skipped one", () => {
    expect(summaryOf('goss-json-failed.vsphere.log').gossFailures).toEqual([
      {
        check: 'Command: crictl images | grep -c pause: stdout',
        detail: 'Expected\n    <string>: 0\nto contain substring\n    <string>: 1',
      },
      {
        check: 'Service: kubelet: enabled',
        detail: 'Expected\n    <bool>: false\nto equal\n    <bool>: true',
        title: 'kubelet starts at boot',
      },
    ]);
  });

  it('reads a goss report whole when the pipe interleaved a stderr line into it', () => {
    const lines = linesOf('goss-json-failed.vsphere.log');
    const inside = lines.findIndex((l) => l.includes('"resource-id": "kubelet"'));
    lines.splice(inside, 0, "ERROR: Build 'vsphere-iso' errored: goss validate failed");
    expect(summarizeBuildFailure(lines, { logPath: LOG }).gossFailures.map((f) => f.check)).toEqual([
      'Command: crictl images | grep -c pause: stdout',
      'Service: kubelet: enabled',
    ]);
  });

  it("reads the JSON report's summary counts", () => {
    expect(summaryOf('goss-json-failed.vsphere.log').gossCounts).toEqual({ count: 6, failed: 2, skipped: 1 });
  });

  it('gives the goss phase when goss failed', () => {
    expect(summaryOf('goss-json-failed.vsphere.log').phase).toBe('running goss');
  });

  it('has no failed task when Ansible succeeded', () => {
    expect(summaryOf('goss-json-failed.vsphere.log').failedTask).toBeUndefined();
  });

  it("takes packer's error when no provisioner failed, and the phase it happened in", () => {
    const s = summaryOf('ssh-timeout.vsphere.log');
    expect([s.phase, s.packerError, s.failedTask, s.gossFailures]).toEqual([
      'booting the build VM',
      'Timeout waiting for SSH.',
      undefined,
      [],
    ]);
  });

  it('reads lines with terminal colour codes', () => {
    const lines = [
      '\x1b[1;32m==> vsphere-iso: Provisioning with Ansible...\x1b[0m',
      '\x1b[0;32m    vsphere-iso: TASK [sysprep : Truncate hostname] ***\x1b[0m',
      '\x1b[0;31m    vsphere-iso: fatal: [default]: FAILED! => {"msg": "boom"}\x1b[0m',
    ];
    expect(summarizeBuildFailure(lines, { logPath: LOG }).failedTask).toMatchObject({
      task: 'sysprep : Truncate hostname',
      message: 'boom',
    });
  });

  it('takes the msg of a result line the log cut off', () => {
    const lines = [
      'TASK [node : Install packages] ***',
      'fatal: [default]: FAILED! => {"changed": false, "msg": "Failed to lock apt for exclusive operation", "rc": 1, "stdout": "Reading pack',
    ];
    expect(summarizeBuildFailure(lines, { logPath: LOG }).failedTask?.message).toBe('Failed to lock apt for exclusive operation');
  });

  it("starts from the build progress's first phase when no line names one", () => {
    expect(summarizeBuildFailure(['make: *** No rule to make target'], { logPath: LOG }).phase).toBe('starting image-builder');
  });

  it('starts from the initial phase given, when one is given', () => {
    expect(
      summarizeBuildFailure(['make: *** No rule to make target'], { logPath: LOG, initialPhase: 'copying the credentials in' }).phase,
    ).toBe('copying the credentials in');
  });

  it('carries the log path', () => {
    expect(summaryOf('ssh-timeout.vsphere.log').logPath).toBe(LOG);
  });
});

describe('formatBuildFailureSummary', () => {
  const golden = (name: string) => join(fixtures, 'golden', name.replace(/\.log$/, '.txt'));

  for (const name of [
    'ansible-download-failed.vsphere.log',
    'ansible-loop-item-failed.aws.log',
    'goss-documentation-failed.aws.log',
    'goss-json-failed.vsphere.log',
    'ssh-timeout.vsphere.log',
  ]) {
    it(`matches the golden summary of ${name}`, async () => {
      await expect(`${formatBuildFailureSummary(summaryOf(name))}\n`).toMatchFileSnapshot(golden(name));
    });
  }

  it('shows at most 20 goss failures and says how many more there are', () => {
    const gossFailures = Array.from({ length: 23 }, (_, i) => ({
      check: `File: /etc/f${i}: exists`,
      detail: 'Expected\n    <bool>: false\nto equal\n    <bool>: true',
    }));
    const text = formatBuildFailureSummary({ phase: 'running goss', gossFailures, logPath: LOG });
    expect(text.split('\n').slice(-3)).toEqual([
      '    File: /etc/f19: exists: Expected <bool>: false to equal <bool>: true',
      '    … and 3 more (see the log)',
      `  log: ${LOG}`,
    ]);
  });
});
