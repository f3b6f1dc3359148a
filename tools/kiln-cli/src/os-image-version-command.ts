// `kiln os-image-version`: prints the default OVA's OS image VERSION (class-based vSphere) and can record it in an image.yaml.
import { readFileSync } from 'node:fs';
import { basename, isAbsolute, relative, resolve } from 'node:path';
import { KilnError } from '@kiln/errors';
import { Redactor, requireTool, runCommand } from '@kiln/runner';
import { govcVmVersion, osImageVersionFromCluster, ovaVersion } from '@kiln/image-version';
import { govcEnvironment, govcFailureReason, openGovcSession } from '@kiln/steps';
import { defineCommand, UsageError, type OptionValues } from './command-args';
import { checkImageVersionTarget, writeImageVersion } from './write-image-version';

const OS_IMAGE_VERSION_USAGE = `usage: kiln os-image-version SOURCE [--write images/NAME]

Prints the OS image VERSION of the default Ubuntu OVA (class-based vSphere clusters) on stdout.

SOURCE is exactly one of:
  --from-cluster --context C --tkr T [--os O] [--os-version V]
                                                the TKr's OSImage on a management cluster (kubectl);
                                                --os-version (e.g. 20.04) picks one of two OVAs of an OS
  --from-ova FILE.ova                           the VERSION property of the OVA's .ovf descriptor
  --from-vsphere VM_PATH                        the VERSION vApp property (govc vm.info -json VM_PATH)
  --govc-json FILE                              saved output of govc vm.info -json VM_PATH

  --write images/NAME   also record it as vsphere.version in images/NAME/image.yaml (vsphere, clusterType: class)
`;

const OPTIONS = {
  'from-cluster': { type: 'boolean' },
  context: { type: 'string' },
  tkr: { type: 'string' },
  os: { type: 'string' },
  'os-version': { type: 'string' },
  'from-ova': { type: 'string' },
  'from-vsphere': { type: 'string' },
  'govc-json': { type: 'string' },
  write: { type: 'string' },
} as const;

type Values = OptionValues<typeof OPTIONS>;

const SOURCES = ['from-cluster', 'from-ova', 'from-vsphere', 'govc-json'] as const;
const CLUSTER_ONLY = ['context', 'tkr', 'os', 'os-version'] as const;

/** The one source and the options that go with it; throws a UsageError otherwise. */
function checkSource(values: Values): void {
  const given = SOURCES.filter((s) => values[s] !== undefined && values[s] !== false);
  if (given.length !== 1) {
    throw new UsageError(
      given.length === 0
        ? 'give one source: --from-cluster, --from-ova, --from-vsphere or --govc-json'
        : `give only one source (got --${given.join(', --')})`,
    );
  }
  if (values['from-cluster']) {
    const missing = (['context', 'tkr'] as const).filter((o) => values[o] === undefined);
    if (missing.length > 0) throw new UsageError(`--from-cluster needs --${missing.join(' and --')}`);
  } else {
    const stray = CLUSTER_ONLY.find((o) => values[o] !== undefined);
    if (stray) throw new UsageError(`--${stray} is only used with --from-cluster`);
  }
}

async function readVersion(values: Values): Promise<string> {
  if (values['from-cluster']) {
    return osImageVersionFromCluster({
      context: values.context!,
      tkr: values.tkr!,
      ...(values.os ? { os: values.os } : {}),
      ...(values['os-version'] ? { osVersion: values['os-version'] } : {}),
    });
  }
  if (values['from-ova']) return ovaVersion(resolve(values['from-ova']), values['from-ova']);
  if (values['govc-json']) {
    const file = values['govc-json'];
    let json: string;
    try {
      json = readFileSync(resolve(file), 'utf8');
    } catch (e) {
      const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
      throw new KilnError(
        missing ? 'FILE_MISSING' : 'FILE_UNREADABLE',
        missing ? `file not found: ${file}` : `cannot read ${file}: ${(e as Error).message}`,
        {
          hint: 'save it with: govc vm.info -json VM_PATH > FILE',
        },
      );
    }
    return govcVmVersion(json, file);
  }
  const vm = values['from-vsphere']!;
  requireTool('govc');
  // The same credentials as upload (GOVC_* or VSPHERE_* / KILN_VSPHERE_CREDENTIALS_FILE) and a private govc session.
  const govc = govcEnvironment(process.env, process.cwd());
  const session = openGovcSession();
  let result;
  try {
    result = await runCommand({
      file: 'govc',
      args: ['vm.info', '-json', vm],
      env: { ...govc.env, ...session.env },
      redactor: new Redactor(govc.secrets),
      timeoutMs: 120_000,
      allowFailure: true,
    });
  } finally {
    session.dispose();
  }
  if (result.exitCode !== 0) {
    const reason = govcFailureReason(result.stderr, result.stdout);
    throw new KilnError('GOVC_FAILED', `govc vm.info -json ${vm} failed (exit code ${result.exitCode}): ${reason}`, {
      hint: 'check GOVC_URL, GOVC_USERNAME, GOVC_PASSWORD (or VSPHERE_SERVER, VSPHERE_USERNAME, VSPHERE_PASSWORD; GOVC_INSECURE for self-signed certificates) and the VM path',
    });
  }
  return govcVmVersion(result.stdout, `govc vm.info -json ${vm}`);
}

function imageFile(target: string): { path: string; label: string } {
  const abs = resolve(target);
  const path = basename(abs) === 'image.yaml' ? abs : resolve(abs, 'image.yaml');
  const rel = relative(process.cwd(), path);
  return { path, label: rel.startsWith('..') || isAbsolute(rel) ? path : rel };
}

export const osImageVersionCommand = defineCommand({
  name: 'os-image-version',
  usage: OS_IMAGE_VERSION_USAGE,
  options: OPTIONS,
  run: async ({ values }, out, err) => {
    checkSource(values);
    return printVersion(values, out, err);
  },
});

async function printVersion(values: Values, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const target = values.write ? imageFile(values.write) : undefined;
  if (target) checkImageVersionTarget(target.path, target.label);
  const version = await readVersion(values);
  if (target) {
    const { path, label } = target;
    const edit = writeImageVersion(path, label, version);
    if (!edit.changed) err.write(`${label}: vsphere.version is already ${version}; not changed\n`);
    else err.write(`${label}: vsphere.version set to ${version}${edit.previous ? ` (was ${edit.previous})` : ''}\n`);
  }
  out.write(`${version}\n`);
  return 0;
}
