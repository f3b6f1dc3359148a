// An image's records under dist/ (build, freshness, provenance, published), read defensively: a missing record is
// absent, an unreadable one is absent with a note (the catalog reports what is there; it never fails on a record).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { imageDist } from '@kiln/schema';
import type { ArtifactRecord, PublishedRecord } from '@kiln/steps';

/** freshness.json as the build writes it (only the fields the catalog reads). */
export interface FreshnessFields {
  builtAt?: string;
  expiresAt?: string;
  refresh?: string;
}

export interface ImageRecords {
  artifact?: Partial<ArtifactRecord>;
  freshness?: FreshnessFields;
  published?: Partial<PublishedRecord>;
  /** The parsed provenance statement, whatever its shape. */
  provenance?: unknown;
  notes: string[];
}

/** Workspace-relative paths of an image's records. */
export function imageRecordFiles(image: string): { artifact: string; freshness: string; provenance: string; published: string } {
  const dist = imageDist(image);
  return {
    artifact: `${dist.build}/artifact.json`,
    freshness: `${dist.build}/freshness.json`,
    provenance: `${dist.build}/provenance.json`,
    published: `${dist.upload}/published.json`,
  };
}

/** A JSON object record, or undefined (missing: silently; unreadable or not an object: with a note). */
function readRecord(workspaceRoot: string, file: string, notes: string[]): Record<string, unknown> | undefined {
  const path = join(workspaceRoot, file);
  if (!existsSync(path)) return undefined;
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    notes.push(`${file} is not a JSON object; ignored`);
  } catch (e) {
    notes.push(`${file} is unreadable (${(e as Error).message.split('\n')[0]}); ignored`);
  }
  return undefined;
}

/** A record's own string field, or undefined. */
export function stringField(record: Record<string, unknown> | undefined, key: string): string | undefined {
  const v = record?.[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function readImageRecords(workspaceRoot: string, image: string): ImageRecords {
  const files = imageRecordFiles(image);
  const notes: string[] = [];
  const artifact = readRecord(workspaceRoot, files.artifact, notes);
  const freshness = readRecord(workspaceRoot, files.freshness, notes);
  const published = readRecord(workspaceRoot, files.published, notes);
  const provenance = readRecord(workspaceRoot, files.provenance, notes);
  return {
    artifact: artifact as Partial<ArtifactRecord> | undefined,
    freshness: freshness && {
      builtAt: stringField(freshness, 'builtAt'),
      expiresAt: stringField(freshness, 'expiresAt'),
      refresh: stringField(freshness, 'refresh'),
    },
    published: published as Partial<PublishedRecord> | undefined,
    provenance,
    notes,
  };
}
