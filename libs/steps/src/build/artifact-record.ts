// Finds what a build produced (OVA, AMIs, SIG image version) and describes it as artifact.json.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { imageDist } from '@kiln/schema';

/** Workspace-relative artifact.json of an image's build. */
export function artifactFile(image: string): string {
  return `${imageDist(image).build}/artifact.json`;
}

export interface ArtifactRecord {
  image: string;
  infra: string;
  os: string;
  release: string;
  version?: string;
  builderImage: string;
  bundleImage: string;
  makeTarget: string;
  /** sha256 of the rendered config files this build used. */
  contentKey: string;
  ova?: { path: string; sha256: string; size: number };
  amis?: Record<string, string>;
  sigImageVersionId?: string;
  builtAt: string;
}

/** Region → AMI id from a packer manifest's last build (`artifact_id` like `us-east-1:ami-0abc,us-west-2:ami-0def`). */
export function amisFromManifest(text: string): Record<string, string> {
  const manifest = JSON.parse(text) as { builds?: Array<{ artifact_id?: string; packer_run_uuid?: string }>; last_run_uuid?: string };
  const builds = manifest.builds ?? [];
  const last =
    builds.filter((b) => !manifest.last_run_uuid || b.packer_run_uuid === manifest.last_run_uuid).pop() ?? builds[builds.length - 1];
  const out: Record<string, string> = {};
  for (const pair of (last?.artifact_id ?? '').split(',')) {
    const [region, id] = pair.split(':');
    if (region && id) out[region.trim()] = id.trim();
  }
  return out;
}

/** Region → AMI id from packer's "AMIs were created:" block in the log. */
export function amisFromLog(lines: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const start = lines.findIndex((l) => /AMIs were created/.test(l));
  if (start < 0) return out;
  for (const l of lines.slice(start + 1)) {
    const m = l.match(/([a-z]{2}(?:-gov)?-[a-z]+-\d):\s*(ami-[0-9a-f]+)/);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/** The Shared Image Gallery image version id printed by the Azure build. */
export function sigVersionFromLog(lines: string[]): string | undefined {
  for (const l of [...lines].reverse()) {
    const m = l.match(/ManagedImageSharedImageGalleryId:\s*(\/subscriptions\/\S+\/versions\/\S+)/);
    if (m) return m[1];
  }
  return undefined;
}

export function findFiles(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...findFiles(p, suffix));
    else if (e.name.endsWith(suffix)) out.push(p);
  }
  return out.sort();
}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (c) => hash.update(c))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

/** sha256 over the rendered config folder's files (names and bytes, sorted). */
export function contentKey(configDir: string): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(configDir).sort()) {
    const p = join(configDir, name);
    if (!statSync(p).isFile()) continue;
    hash.update(name).update('\0').update(readFileSync(p)).update('\0');
  }
  return hash.digest('hex');
}
