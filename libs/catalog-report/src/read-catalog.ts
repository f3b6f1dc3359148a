// Gathers a workspace's catalog: every images/<n>/image.yaml with its dist records, tkrs/*/tkr.yaml and
// clusters/*/cluster.yaml, and which tkrs and clusters use each image. The clock is an input.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { getRelease, loadCatalog, type Catalog } from '@kiln/catalog';
import { bomReleaseVersion, customTkrVersion } from '@kiln/render';
import {
  loadClusterSpec,
  loadImageSpec,
  loadTkrSpec,
  readWorkspaceFile,
  type KilnCluster,
  type KilnImage,
  type KilnTkr,
} from '@kiln/schema';
import { catalogImage } from './catalog-image';
import type { CatalogCluster, CatalogReport, CatalogTkr } from './catalog-model';
import { readImageRecords } from './image-records';

export interface ReadCatalogOptions {
  /** The clock (ms since the epoch): ages, freshness and revocation dates are judged at this time. */
  now: number;
  /** The release catalog (default: libs/catalog/data/releases.yaml). */
  catalog?: Catalog;
}

/** Names of the folders under `dir` that hold `file`, sorted. */
export function projectsWith(workspaceRoot: string, dir: string, file: string): string[] {
  const root = join(workspaceRoot, dir);
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(root, e.name, file)))
    .map((e) => e.name)
    .sort();
}

/** images/<name>/image.yaml, validated (its `revoked:` included). */
export function loadCatalogImage(workspaceRoot: string, name: string, catalog: Catalog): KilnImage {
  const file = `images/${name}/image.yaml`;
  return loadImageSpec(file, readWorkspaceFile(workspaceRoot, file), catalog).spec;
}

/** release.version of the custom TKr, or a note saying why it is unknown. */
function tkrVersionOf(workspaceRoot: string, name: string, tkr: KilnTkr): { version?: string; note?: string } {
  const file = `tkrs/${name}/${tkr.bom}`;
  if (!existsSync(join(workspaceRoot, file))) return { note: `base BoM ${file} is missing: TKr version unknown` };
  try {
    return { version: customTkrVersion(bomReleaseVersion(readWorkspaceFile(workspaceRoot, file), file), tkr.suffix, file) };
  } catch (e) {
    return { note: `TKr version unknown: ${(e as Error).message}` };
  }
}

export function readCatalog(workspaceRoot: string, options: ReadCatalogOptions): CatalogReport {
  const { now } = options;
  const catalog = options.catalog ?? loadCatalog();
  const imageNames = projectsWith(workspaceRoot, 'images', 'image.yaml');
  const images = new Map(imageNames.map((name) => [name, loadCatalogImage(workspaceRoot, name, catalog)]));
  const tkrSpecs = new Map<string, KilnTkr>(
    projectsWith(workspaceRoot, 'tkrs', 'tkr.yaml').map((name) => {
      const file = `tkrs/${name}/tkr.yaml`;
      return [name, loadTkrSpec(file, readWorkspaceFile(workspaceRoot, file)).spec];
    }),
  );
  const clusterSpecs = new Map<string, KilnCluster>(
    projectsWith(workspaceRoot, 'clusters', 'cluster.yaml').map((name) => {
      const file = `clusters/${name}/cluster.yaml`;
      return [name, loadClusterSpec(file, readWorkspaceFile(workspaceRoot, file)).spec];
    }),
  );

  const clusters: CatalogCluster[] = [...clusterSpecs].map(([name, spec]) => ({
    name,
    clusterName: spec.name,
    kind: spec.kind ?? 'workload',
    tkr: spec.tkr,
    image: spec.image,
    images: spec.image ? [spec.image] : [...(tkrSpecs.get(spec.tkr ?? '')?.images ?? [])].sort(),
  }));

  const tkrs: CatalogTkr[] = [...tkrSpecs].map(([name, spec]) => {
    const { version, note } = tkrVersionOf(workspaceRoot, name, spec);
    const unknown = spec.images
      .filter((image) => !images.has(image))
      .map((image) => `lists image ${image}, which has no images/${image}/image.yaml`);
    return {
      name,
      tkrVersion: version,
      managementContext: spec.managementCluster.context,
      images: [...spec.images].sort(),
      clusters: clusters.filter((c) => c.tkr === name).map((c) => c.name),
      notes: [...(note ? [note] : []), ...unknown],
    };
  });

  return {
    generatedAt: new Date(now).toISOString(),
    images: imageNames.map((name) => {
      const spec = images.get(name)!;
      return catalogImage({
        name,
        spec,
        tkg: spec.release,
        release: getRelease(catalog, spec.release)!,
        records: readImageRecords(workspaceRoot, name),
        now,
        usedBy: {
          tkrs: tkrs.filter((t) => t.images.includes(name)).map((t) => t.name),
          clusters: clusters.filter((c) => c.images.includes(name)).map((c) => c.name),
        },
      });
    }),
    tkrs,
    clusters,
  };
}
