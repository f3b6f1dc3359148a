// `kiln doctor [--json]`: one line per check with its fix; exits 1 when a check fails.
import { defineCommand } from './command-args';
import { doctorChecks, type DoctorResult } from './doctor-checks';
import { workspaceRoot } from './workspace-root';

const DOCTOR_USAGE = `usage: kiln doctor [--json] [--root DIR]

Checks this machine for Kiln: docker CLI and daemon, govc/aws/az/kubectl (failing only when the workspace needs them),
credentials (variable names only, never values), config bundles for every release in use, the remote cache and its
token's scope, free disk space where OVAs are written. Exits 1 when a check fails.
`;

function doctorLine(r: DoctorResult): string {
  const tag = r.status === 'ok' ? 'ok  ' : r.status === 'warn' ? 'warn' : 'FAIL';
  return `${tag} ${r.check}: ${r.detail}${r.status !== 'ok' && r.fix ? `\n       fix: ${r.fix}` : ''}\n`;
}

export const doctorCommand = defineCommand({
  name: 'doctor',
  usage: DOCTOR_USAGE,
  options: { json: { type: 'boolean' }, root: { type: 'string' } },
  run: async ({ values }, out) => {
    const results = await doctorChecks(workspaceRoot(values.root));
    if (values.json) out.write(JSON.stringify(results, null, 2) + '\n');
    else for (const r of results) out.write(doctorLine(r));
    return results.some((r) => r.status === 'fail') ? 1 : 0;
  },
});
