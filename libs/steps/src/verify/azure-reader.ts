// Reads a published Shared Image Gallery image version for verify (az sig image-version show): its state, tags and
// the regions it is replicated to.
import { cloudCliFailure, type CloudCli } from '../upload/upload-cli';
import { azArgs, regionKey, type SigVersionRef } from '../upload/azure/upload-azure';

export interface SigVersionFacts {
  id: string;
  provisioningState: string;
  /** Left out of `latest` (what a revoked upload sets). */
  excludeFromLatest: boolean;
  tags: Record<string, string>;
  /** Target regions as region keys (`westeurope`), whatever form Azure answered with (`West Europe`). */
  regions: string[];
}

interface ShownVersion {
  id?: string;
  provisioningState?: string;
  publishingProfile?: { targetRegions?: Array<{ name: string }>; excludeFromLatest?: boolean };
  tags?: Record<string, string> | null;
}

/** The facts of `az sig image-version show -o json` output (az flattens ARM's `properties`). */
export function parseSigVersion(stdout: string): SigVersionFacts {
  const v = JSON.parse(stdout) as ShownVersion;
  return {
    id: v.id ?? '',
    provisioningState: v.provisioningState ?? 'unknown',
    excludeFromLatest: v.publishingProfile?.excludeFromLatest === true,
    tags: { ...(v.tags ?? {}) },
    regions: [...new Set((v.publishingProfile?.targetRegions ?? []).map((t) => regionKey(t.name)))].sort(),
  };
}

/** The version, or undefined when Azure answers ResourceNotFound; any other failure stops verify. */
export async function readSigVersion(cli: CloudCli, ref: SigVersionRef): Promise<SigVersionFacts | undefined> {
  const args = azArgs.show(ref);
  const r = await cli.run('az', args, { allowFailure: true, timeoutMs: 120_000 });
  if (r.exitCode === 0) return parseSigVersion(r.stdout);
  if (/ResourceNotFound|was not found/i.test(r.stderr)) return undefined;
  throw cloudCliFailure(
    'AZ_FAILED',
    `az sig image-version show failed (exit code ${r.exitCode})`,
    'run az login (or az account set --subscription ...) in the shell that runs verify',
    'az',
    args,
    r.stderr,
  );
}
