// Reads a VM template from vCenter for verify (govc vm.info -json): whether it exists, is a template, and the
// content key and VERSION upload left on it.
import { KilnError } from '@kiln/errors';
import type { CloudCli } from '../upload/upload-cli';
import { govcArgs, govcFailureReason, parseVmInfo, type VmFacts } from '../upload/vsphere/upload-vsphere';

export type { VmFacts } from '../upload/vsphere/upload-vsphere';

/** The facts of the VM at `path`; govc answers a missing VM with exit 0 and no VM, so any failure is a real one. */
export async function readTemplate(cli: CloudCli, path: string): Promise<VmFacts> {
  const r = await cli.run('govc', govcArgs.vmInfo(path), { allowFailure: true, timeoutMs: 120_000 });
  if (r.exitCode !== 0) {
    const reason = govcFailureReason(r.stderr, r.stdout);
    throw new KilnError('GOVC_FAILED', `govc vm.info ${path} failed (exit code ${r.exitCode}): ${reason}`, {
      hint: 'check GOVC_URL (GOVC_INSECURE=1 for self-signed certificates) and the credentials (GOVC_USERNAME/GOVC_PASSWORD or VSPHERE_*); verify only reads',
    });
  }
  return parseVmInfo(r.stdout);
}
