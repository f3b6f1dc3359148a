// The catalog of a workspace as the renderers take it: every image with its records, every tkr and cluster.

/** fresh: built within its refresh window; stale: older; never built: no build record; revoked: pulled out of use. */
export const FRESHNESS_STATES = ['fresh', 'stale', 'never built', 'revoked'] as const;
export type Freshness = (typeof FRESHNESS_STATES)[number];

export interface CatalogBuild {
  /** When the last build ran (freshness.json, else artifact.json). */
  builtAt: string;
  /** When it stops being fresh (builtAt + refresh). */
  expiresAt: string;
  /** Age at the catalog's generatedAt, in milliseconds, and as a short label ("12d", "5h", "40m"). */
  ageMs: number;
  age: string;
}

export interface CatalogPublished {
  /** contentKey of the artifact that was published. */
  contentKey?: string;
  /** Region → published id: AMI ids (AWS), the SIG image version id in each replication region (Azure). */
  regions: Record<string, string>;
  /** vSphere: the VM template. */
  template?: { name: string; path: string };
  /** Azure: the Shared Image Gallery image version. */
  sig?: { id: string; gallery: string; image: string; version: string };
}

export interface CatalogRevocation {
  reason: string;
  /** As written in image.yaml: revoked from then on. */
  at: string;
  /** Whether the revocation is in force at generatedAt (false for a future `at`). */
  effective: boolean;
}

export interface CatalogImage {
  name: string;
  infra: string;
  os: string;
  /** TKG release (key of the release catalog), e.g. v2.3.0. */
  tkg: string;
  /** Kubernetes version of that release, e.g. v1.26.5. */
  kubernetes: string;
  /** Build options in a fixed order: the hardening kind (cis, stig), fips, gpu, proxy. */
  options: string[];
  /** The OVA VERSION (vSphere). */
  version?: string;
  /** The refresh window of image.yaml (default 30d). */
  refresh: string;
  freshness: Freshness;
  build?: CatalogBuild;
  /** contentKey of the last build (artifact.json). */
  contentKey?: string;
  /** Git commit the last build was made from (provenance.json). */
  gitCommit?: string;
  gitDirty?: boolean;
  published?: CatalogPublished;
  revoked?: CatalogRevocation;
  usedBy: { tkrs: string[]; clusters: string[] };
  /** Things the reader noticed: unreadable records, a published record of another build. */
  notes: string[];
}

export interface CatalogTkr {
  name: string;
  /** release.version of the custom TKr, when its base BoM can be read. */
  tkrVersion?: string;
  managementContext: string;
  images: string[];
  clusters: string[];
  notes: string[];
}

export interface CatalogCluster {
  name: string;
  /** CLUSTER_NAME of the cluster. */
  clusterName: string;
  kind: string;
  tkr?: string;
  image?: string;
  /** Images the cluster uses: its image, or the images of its tkr. */
  images: string[];
}

export interface CatalogReport {
  /** The clock the report was made at (ISO). */
  generatedAt: string;
  images: CatalogImage[];
  tkrs: CatalogTkr[];
  clusters: CatalogCluster[];
}
