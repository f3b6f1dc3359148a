// nx g @kiln/nx:image <name>: writes images/<name>/image.yaml that validates, or refuses and writes nothing.
import type { Tree } from '@nx/devkit';
import { CATALOG_FILE, getRelease, parseCatalog, type Catalog, type Infra, type OsName } from '@kiln/catalog';
import { KilnError } from '@kiln/errors';
import { loadImageSpec } from '@kiln/schema';
import { parse } from 'yaml';
import { checkNewProjectName, type WorkspaceView } from '../new-project-checks';
import { imageYaml, type ImageYamlOptions } from '../spec-text';
import { treeView } from '../tree-view';
import { writeGenerated } from '../write-generated';

export interface ImageGeneratorSchema {
  name: string;
  infra: Infra;
  os: OsName;
  release: string;
  clusterType?: 'class' | 'plan';
  version?: string;
  hardening?: 'none' | 'cis' | 'stig';
  fips?: boolean;
  gpu?: boolean;
  proxy?: string;
  noProxy?: string;
  extraPackages?: string;
  region?: string;
}

const csv = (text?: string): string[] =>
  (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export function readCatalog(view: WorkspaceView): Catalog {
  const text = view.read(CATALOG_FILE);
  if (text === undefined)
    throw new KilnError('CATALOG_MISSING', `${CATALOG_FILE} not found`, { hint: 'run the generator inside a Kiln workspace' });
  return parseCatalog(text);
}

/** The upload block of the first existing image of the same infra (team conventions carry over), else placeholders. */
function uploadBlock(view: WorkspaceView, name: string, o: ImageGeneratorSchema): Record<string, string | string[]> {
  let block: Record<string, string | string[]> | undefined;
  for (const dir of view.exists('images') ? view.children('images') : []) {
    const text = view.read(`images/${dir}/image.yaml`);
    if (text === undefined) continue;
    try {
      const found = (parse(text) as { infra?: string; upload?: Record<string, Record<string, string | string[]>> })?.upload?.[o.infra];
      if (found && typeof found === 'object') {
        block = { ...found };
        break;
      }
    } catch {
      // an unreadable neighbour is kiln validate's business
    }
  }
  if (o.infra === 'vsphere') {
    return {
      ...(block ?? {
        datacenter: '/dc0',
        folder: '/dc0/vm/tkg-templates',
        datastore: 'datastore1',
        resourcePool: '/dc0/host/cluster0/Resources',
      }),
      templateName: name,
    };
  }
  if (o.infra === 'aws') {
    const aws = block ? { ...block } : {};
    if (o.region) aws.region = o.region;
    aws.region ??= 'us-east-1';
    delete aws.shareWithAccounts;
    return { region: aws.region, ...aws };
  }
  // Azure: packer publishes into image-builder's own gallery image definition, so no imageName is written.
  const azure = {
    ...(block ?? {
      subscriptionId: '00000000-0000-0000-0000-000000000000',
      resourceGroup: 'tkg-images',
      gallery: 'tkg_gallery',
      location: 'westeurope',
    }),
  };
  delete azure.imageName;
  return azure;
}

/** Checks and renders; throws a KilnError (nothing written) when the name or the combination is refused. */
export function renderImageProject(view: WorkspaceView, o: ImageGeneratorSchema): { file: string; text: string } {
  checkNewProjectName(view, 'image', o.name);
  const catalog = readCatalog(view);
  const release = getRelease(catalog, o.release);
  if (!release) {
    throw new KilnError(
      'RELEASE_UNKNOWN',
      `release ${o.release} is not in the release catalog (known: ${Object.keys(catalog.releases).join(', ')}); nothing was written`,
      {
        hint: 'pass --release with a known TKG release or add it to libs/catalog/data/releases.yaml',
      },
    );
  }
  const clusterType = o.clusterType ?? 'class';
  const options: ImageYamlOptions = {
    infra: o.infra,
    os: o.os,
    release: o.release,
    clusterType,
    version: o.version ?? (clusterType === 'class' ? release.defaultOvaVersion : `${release.kubernetesSemver}-${o.name}.0`),
    hardening: o.hardening === 'none' ? undefined : o.hardening,
    fips: o.fips,
    gpu: o.gpu,
    proxy: o.proxy,
    noProxy: csv(o.noProxy),
    extraPackages: csv(o.extraPackages),
    upload: uploadBlock(view, o.name, o),
  };
  const file = `images/${o.name}/image.yaml`;
  const text = imageYaml(options);
  try {
    loadImageSpec(file, text, catalog);
  } catch (e) {
    throw refused(file, e);
  }
  return { file, text };
}

/** A spec error of the would-be file, reported as a refusal of the options (the file is not written). */
export function refused(file: string, e: unknown): unknown {
  if (!(e instanceof KilnError)) return e;
  const problems = 'errors' in e ? (e as { errors: KilnError[] }).errors : [e];
  return new KilnError(
    'GENERATOR_REFUSED',
    `these options make an invalid ${file}; nothing was written:\n${problems.map((p) => `  ${p.message}${p.hint ? ` (${p.hint})` : ''}`).join('\n')}`,
    {
      hint: 'change the options (npx nx g @kiln/nx:image --help lists them)',
    },
  );
}

export default async function imageGenerator(tree: Tree, options: ImageGeneratorSchema): Promise<void> {
  writeGenerated(tree, () => {
    const { file, text } = renderImageProject(treeView(tree), options);
    return { [file]: text };
  });
}
