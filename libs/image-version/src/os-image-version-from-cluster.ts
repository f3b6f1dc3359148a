// The OVA VERSION of a TKr's default OS image, read from a running management cluster:
// TKr spec.osImages → each OSImage → the OVA OSImage of the wanted OS (and OS version) → spec.image.ref.version.
import { KilnError } from '@kiln/errors';
import { isNotFound, kubectl, kubectlError, parseKubectlJson } from '@kiln/runner';

interface TkrObject {
  spec?: { osImages?: { name?: string }[] };
}

interface OSImageObject {
  metadata?: { name?: string };
  spec?: {
    os?: { name?: string; version?: string; arch?: string };
    image?: { type?: string; ref?: { version?: string; id?: string; region?: string } };
  };
}

function describe(name: string, image: OSImageObject): string {
  const os = image.spec?.os ?? {};
  const type = image.spec?.image?.type ?? '?';
  const ref = image.spec?.image?.ref ?? {};
  const what = ref.version ?? [ref.region, ref.id].filter(Boolean).join(' ');
  return `${name}: ${type} ${os.name ?? '?'} ${os.version ?? '?'} ${os.arch ?? '?'}${what ? ` ${what}` : ''}`;
}

export async function osImageVersionFromCluster(opts: { context: string; tkr: string; os?: string; osVersion?: string }): Promise<string> {
  const { context, tkr, osVersion } = opts;
  const os = opts.os ?? 'ubuntu';
  const wanted = `os ${os}${osVersion ? ` ${osVersion}` : ''}`;
  const got = await kubectl(context, ['get', 'tkr', tkr, '-o', 'json']);
  if (isNotFound(got)) {
    throw new KilnError('TKR_NOT_FOUND', `TKr ${tkr} does not exist on context ${context}`, {
      hint: `list the TKrs with: kubectl --context ${context} get tkr`,
    });
  }
  if (got.exitCode !== 0) throw kubectlError(context, got, `read TKr ${tkr}`, { verb: 'get', resource: 'tanzukubernetesreleases' });

  const names = (parseKubectlJson<TkrObject>(got).spec?.osImages ?? [])
    .map((i) => i.name)
    .filter((n): n is string => typeof n === 'string' && n !== '');
  if (names.length === 0) {
    throw new KilnError('TKR_NO_OSIMAGES', `TKr ${tkr} lists no OSImages (spec.osImages is empty)`, {
      hint: `inspect it with: kubectl --context ${context} get tkr ${tkr} -o yaml`,
    });
  }

  const found: string[] = [];
  const versions = new Map<string, string>();
  for (const name of names) {
    const r = await kubectl(context, ['get', 'osimage', name, '-o', 'json']);
    if (isNotFound(r)) {
      found.push(`${name}: listed by the TKr but not found`);
      continue;
    }
    if (r.exitCode !== 0) throw kubectlError(context, r, `read OSImage ${name}`, { verb: 'get', resource: 'osimages' });
    const image = parseKubectlJson<OSImageObject>(r);
    found.push(describe(name, image));
    const version = image.spec?.image?.ref?.version;
    const osMatches = image.spec?.os?.name === os && (osVersion === undefined || image.spec?.os?.version === osVersion);
    if (osMatches && image.spec?.image?.type === 'ova' && typeof version === 'string' && version !== '')
      versions.set(version, image.spec?.os?.version ?? '?');
  }

  if (versions.size === 1) return [...versions.keys()][0]!;
  if (versions.size > 1) {
    const osVersions = [...new Set(versions.values())].sort();
    throw new KilnError(
      'OSIMAGE_AMBIGUOUS',
      `TKr ${tkr} has ${versions.size} OVA OSImages for ${wanted} with different versions: ${[...versions.keys()].join(', ')}`,
      {
        hint:
          osVersions.length > 1 && osVersion === undefined
            ? `choose the OS version with --os-version (${osVersions.join(' or ')})`
            : `pick the VERSION yourself from: kubectl --context ${context} get osimages`,
        context: { osImages: found.join('\n') },
      },
    );
  }
  throw new KilnError('OSIMAGE_NOT_FOUND', `TKr ${tkr} has no OVA OSImage for ${wanted}`, {
    hint: `choose --os${osVersion ? ' and --os-version' : ''} from the OSImages the TKr lists, or inspect them with: kubectl --context ${context} get osimages`,
    context: { osImages: found.join('\n') },
  });
}
