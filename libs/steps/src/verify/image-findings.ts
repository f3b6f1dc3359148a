// What differs between an image's declaration (image.yaml, published.json) and what vCenter, EC2 or Azure answered:
// pure functions over the parsed CLI answers, one finding per object and kind of difference.
import type { KilnImage, KilnImageRevoked } from '@kiln/schema';
import { publishedFile, type PublishedRecord } from '../shared/published-record';
import { REVOKED_TAG, shortKey } from '../upload/upload-context';
import { regionKey } from '../upload/azure/upload-azure';
import { REVOKED_MARKER } from '../upload/vsphere/template-annotation';
import { templatePath } from '../upload/vsphere/template-path';
import type { AmiFacts, Ec2Permission } from './aws-reader';
import type { SigVersionFacts } from './azure-reader';
import type { Finding } from './findings';
import type { VmFacts } from './vsphere-reader';

const upload = (image: string) => `nx run ${image}:upload`;

/** The published record against image.yaml, before anything is asked: never published, stale, regions left out. */
export function publishedFindings(image: string, spec: KilnImage, published: PublishedRecord | undefined): Finding[] {
  if (!published)
    return [{ kind: 'not-published', message: `never published: ${publishedFile(image)} does not exist (run ${upload(image)})` }];
  const stale = (what: string): Finding => ({ kind: 'published-stale', message: `${publishedFile(image)} ${what} (run ${upload(image)})` });
  if (published.image !== image || published.infra !== spec.infra) {
    return [stale(`records ${published.image} (${published.infra}), but image.yaml declares ${image} (${spec.infra})`)];
  }
  const findings: Finding[] = [];
  if (spec.infra === 'vsphere' && spec.upload.vsphere) {
    if (!published.vsphere) return [stale('names no template')];
    const declared = templatePath(spec.upload.vsphere);
    if (declared !== published.vsphere.templatePath) {
      findings.push({
        kind: 'template-moved',
        message: `image.yaml declares the template ${declared}, upload published ${published.vsphere.templatePath} (run ${upload(image)})`,
      });
    }
    if (spec.vsphere?.version !== undefined && published.version !== spec.vsphere.version) {
      findings.push(stale(`records OVA VERSION ${published.version ?? 'none'}, image.yaml declares ${spec.vsphere.version}`));
    }
  } else if (spec.infra === 'aws' && spec.upload.aws) {
    if (!published.aws) return [stale('names no AMIs')];
    const up = spec.upload.aws;
    const declared = [up.region, ...(up.copyToRegions ?? [])];
    for (const region of [...new Set(declared)].sort()) {
      if (published.aws.amis[region]) continue;
      const field = region === up.region ? 'upload.aws.region' : 'upload.aws.copyToRegions';
      findings.push({
        kind: 'region-missing',
        message: `no AMI in ${region}: image.yaml declares it (${field}), published.json has none (run ${upload(image)})`,
      });
    }
    for (const [region, id] of Object.entries(published.aws.amis).sort(([a], [b]) => a.localeCompare(b))) {
      if (!declared.includes(region))
        findings.push({
          kind: 'region-undeclared',
          message: `AMI ${id} in ${region} is published, but image.yaml no longer declares ${region}`,
        });
    }
  } else if (spec.infra === 'azure' && spec.upload.azure) {
    if (!published.azure) return [stale('names no image version')];
    const up = spec.upload.azure;
    const a = published.azure;
    const moved = (['subscriptionId', 'resourceGroup', 'gallery'] as const).filter((k) => up[k].toLowerCase() !== a[k].toLowerCase());
    if (moved.length > 0)
      findings.push(
        stale(
          `records the image version in ${moved.map((k) => `${k} ${a[k]}`).join(', ')}, image.yaml declares ${moved.map((k) => up[k]).join(', ')}`,
        ),
      );
  }
  return findings;
}

/** The cloud's mark of a revoked image on one published object, and whether Kiln's own mark is on it. */
export interface LifecycleState {
  /** What the mark is called: deprecated, excluded from latest, annotated kiln-revoked. */
  lifecycle: string;
  applied: boolean;
  /** Kiln's mark (the kiln:revoked tag, the kiln-revoked= line) is there. */
  markedByKiln: boolean;
}

/** While image.yaml revokes the image its objects carry the cloud's lifecycle; once it no longer does, Kiln's mark is gone. */
export function lifecycleFindings(what: string, image: string, revoked: KilnImageRevoked | undefined, state: LifecycleState): Finding[] {
  if (revoked && !state.applied) {
    return [
      {
        kind: 'revoked',
        message: `${what} is not ${state.lifecycle}, though image.yaml revokes the image since ${revoked.at} (run ${upload(image)})`,
      },
    ];
  }
  if (!revoked && state.markedByKiln) {
    return [
      {
        kind: 'revoked',
        message: `${what} is still ${state.lifecycle} by Kiln, though image.yaml no longer revokes the image (run ${upload(image)} to restore it)`,
      },
    ];
  }
  return [];
}

/** The template upload published: there, a template, with the published content key and (when vCenter keeps it) VERSION. */
export function templateFindings(path: string, facts: VmFacts, published: PublishedRecord, revoked?: KilnImageRevoked): Finding[] {
  if (!facts.exists) return [{ kind: 'template-missing', message: `template ${path} does not exist in vCenter` }];
  const findings: Finding[] = [];
  if (!facts.template) findings.push({ kind: 'not-a-template', message: `${path} is a VM, not a template` });
  if (facts.contentKey !== published.contentKey) {
    findings.push({
      kind: 'content-key',
      message: facts.contentKey
        ? `template ${path} carries content key ${shortKey(facts.contentKey)} (annotation kiln-content-key), published ${shortKey(published.contentKey)}`
        : `template ${path} carries no kiln-content-key annotation (published ${shortKey(published.contentKey)})`,
    });
  }
  if (facts.version !== undefined && published.version !== undefined && facts.version !== published.version) {
    findings.push({ kind: 'ova-version', message: `template ${path} has OVA VERSION ${facts.version}, published ${published.version}` });
  }
  const marked = (facts.annotation ?? '').split(/\r?\n/).some((l) => l.startsWith(REVOKED_MARKER));
  findings.push(
    ...lifecycleFindings(`template ${path}`, published.image, revoked, {
      lifecycle: `annotated ${REVOKED_MARKER}`,
      applied: marked,
      markedByKiln: marked,
    }),
  );
  return findings;
}

function shownTag(key: string, value: string): string {
  return key === 'kiln:content-key' ? shortKey(value) : value;
}

/** One finding naming every Kiln tag that is missing or has another value on `what`; none when all match. */
export function tagFindings(what: string, have: Record<string, string>, want: Array<[string, string]>): Finding[] {
  const wrong = want
    .filter(([k, v]) => have[k] !== v)
    .map(([k, v]) =>
      have[k] === undefined ? `${k} missing (expected ${shownTag(k, v)})` : `${k}=${shownTag(k, have[k]!)} (expected ${shownTag(k, v)})`,
    );
  return wrong.length ? [{ kind: 'tags', message: `${what}: tags differ: ${wrong.join(', ')}` }] : [];
}

/** Everyone (a group) is a `public` finding; any difference from exactly `accounts` is one `shared` finding. */
export function permissionFindings(what: string, permission: string, current: Ec2Permission[], accounts: string[]): Finding[] {
  const findings: Finding[] = [];
  const groups = [...new Set(current.map((p) => p.Group).filter((g): g is string => !!g))].sort();
  if (groups.length) findings.push({ kind: 'public', message: `${what} is public (${permission} for group ${groups.join(', ')})` });
  const users = [...new Set(current.map((p) => p.UserId).filter((u): u is string => !!u))].sort();
  const extra = users.filter((u) => !accounts.includes(u));
  const missing = accounts.filter((a) => !users.includes(a));
  if (extra.length || missing.length) {
    const parts = [
      ...(extra.length ? [`shared with undeclared ${extra.join(', ')}`] : []),
      ...(missing.length ? [`not shared with declared ${missing.join(', ')}`] : []),
    ];
    findings.push({ kind: 'shared', message: `${what}: ${permission} differs from upload.aws.shareWithAccounts: ${parts.join('; ')}` });
  }
  return findings;
}

/** What one published AMI must be: its tags, the accounts it is shared with, whether it is the build region's, the revocation. */
export interface AmiExpectation {
  tags: Array<[string, string]>;
  accounts: string[];
  /** The build region's AMI (a rebuild replaces it); copies are copied again by upload. */
  home: boolean;
  revoked?: KilnImageRevoked;
}

/** One published AMI: exists and is available, carries the tags, and it and its snapshots are shared exactly as declared. */
export function amiFindings(image: string, facts: AmiFacts, expected: AmiExpectation): Finding[] {
  const { tags, accounts } = expected;
  const what = `AMI ${facts.id} in ${facts.region}`;
  if (!facts.image || facts.image.state === 'deregistered') {
    const fix = expected.home ? `rebuild: nx run ${image}:build --skip-nx-cache, then upload` : `${upload(image)} copies it again`;
    return [{ kind: 'ami-missing', message: `${what} does not exist (published.json names it; ${fix})` }];
  }
  const findings: Finding[] = [];
  if (facts.image.state !== 'available') findings.push({ kind: 'ami-state', message: `${what} is ${facts.image.state}, not available` });
  findings.push(...tagFindings(what, facts.image.tags, tags));
  findings.push(...permissionFindings(what, 'launch permission', facts.launchPermissions, accounts));
  for (const snap of facts.snapshots) {
    const s = `snapshot ${snap.id} of ${what}`;
    if (!snap.permissions) findings.push({ kind: 'snapshot-missing', message: `${s} does not exist` });
    else findings.push(...permissionFindings(s, 'createVolumePermission', snap.permissions, accounts));
  }
  findings.push(
    ...lifecycleFindings(what, image, expected.revoked, {
      lifecycle: 'deprecated',
      applied: !!facts.image.deprecationTime,
      markedByKiln: facts.image.tags[REVOKED_TAG] !== undefined,
    }),
  );
  return findings;
}

/** The published image version: exists, Succeeded, carries the tags, replicated to every declared region. */
export function sigVersionFindings(
  what: string,
  facts: SigVersionFacts | undefined,
  tags: Array<[string, string]>,
  up: NonNullable<KilnImage['upload']['azure']>,
  image: string,
  revoked?: KilnImageRevoked,
): Finding[] {
  if (!facts) return [{ kind: 'sig-version-missing', message: `${what} does not exist` }];
  const findings: Finding[] = [];
  if (facts.provisioningState !== 'Succeeded')
    findings.push({ kind: 'sig-version-state', message: `${what} is ${facts.provisioningState}, not Succeeded` });
  findings.push(...tagFindings(what, facts.tags, tags));
  const declared: Array<[string, string]> = [
    [regionKey(up.location), 'upload.azure.location'],
    ...(up.replicationRegions ?? []).map((r): [string, string] => [regionKey(r), 'upload.azure.replicationRegions']),
  ];
  const missing = declared.filter(([r], i) => !facts.regions.includes(r) && declared.findIndex(([x]) => x === r) === i);
  for (const [region, field] of missing)
    findings.push({ kind: 'region-missing', message: `${what} is not replicated to ${region} (declared in ${field})` });
  findings.push(
    ...lifecycleFindings(what, image, revoked, {
      lifecycle: 'excluded from latest',
      applied: facts.excludeFromLatest,
      markedByKiln: facts.tags[REVOKED_TAG] !== undefined,
    }),
  );
  return findings;
}
