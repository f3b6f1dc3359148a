// verify's findings: what differs between what a project declares and what is really published or registered,
// one line each (`<project>: <kind>: <message>`), and findings.json, the record of the last run.
import { join } from 'node:path';
import { stableJson } from '@kiln/render';
import { verifyDist, type ProjectFolder } from '@kiln/schema';
import { writeFileAtomic } from '../shared/atomic-write';

export type ProjectKind = 'image' | 'tkr' | 'cluster';

/** What a finding is about; the second field of its line, stable for scripts. */
export type FindingKind =
  /** The image has no published.json (never uploaded), or a TKr/cluster uses such an image. */
  | 'not-published'
  /** published.json no longer matches image.yaml (infra, OVA VERSION, gallery). */
  | 'published-stale'
  /** image.yaml declares the template at another inventory path than upload published it to. */
  | 'template-moved'
  | 'template-missing'
  | 'not-a-template'
  /** The template's kiln-content-key annotation is not the published content key. */
  | 'content-key'
  /** The template's vApp VERSION is not the published OVA VERSION. */
  | 'ova-version'
  /** A declared region (AWS region/copy, Azure location/replication region) has no copy. */
  | 'region-missing'
  /** An AMI is published in a region image.yaml no longer declares. */
  | 'region-undeclared'
  | 'ami-missing'
  /** The AMI is not `available` (pending, failed, deregistered...). */
  | 'ami-state'
  | 'snapshot-missing'
  /** A Kiln tag is missing or has another value. */
  | 'tags'
  /** Launch or createVolume permission for everyone (group all). */
  | 'public'
  /** Shared with an account that is not declared, or not with one that is. */
  | 'shared'
  | 'sig-version-missing'
  /** The Shared Image Gallery version is not Succeeded. */
  | 'sig-version-state'
  /**
   * A TKr or cluster uses an image whose revocation is in force; or a published object of an image lacks the cloud's
   * lifecycle its revocation asks for (deprecated AMI, version excluded from latest, annotated template), or still
   * carries Kiln's mark once image.yaml no longer revokes it.
   */
  | 'revoked'
  | 'tkr-missing'
  | 'tkr-not-ready'
  | 'tkr-not-compatible'
  /** The TKr lists an OSImage that does not exist. */
  | 'osimage-missing'
  /** The TKr carries no OSImage for an image it should (a published one, or one of the base BoM). */
  | 'tkr-image-missing'
  /** An OSImage names an image that neither a published image nor the base BoM has. */
  | 'osimage-unexpected'
  /** An OVA OSImage's VERSION has no template in vCenter: clusters on the TKr cannot be created. */
  | 'osimage-no-template';

export interface Finding {
  kind: FindingKind;
  message: string;
}

export interface VerifyReport {
  project: string;
  projectKind: ProjectKind;
  /** In the order they were found. */
  findings: Finding[];
  /** What was compared with the real thing, one entry each (the clean run's report names them). */
  checked: string[];
}

/** The folder of each kind of project, under images/, tkrs/, clusters/ and under dist/. */
export const PROJECT_FOLDERS: Record<ProjectKind, ProjectFolder> = { image: 'images', tkr: 'tkrs', cluster: 'clusters' };

export function findingLine(project: string, finding: Finding): string {
  return `${project}: ${finding.kind}: ${finding.message}`;
}

export function findingLines(report: VerifyReport): string[] {
  return report.findings.map((f) => findingLine(report.project, f));
}

/** Workspace-relative path of a project's findings.json (real runs). */
export function findingsFile(kind: ProjectKind, project: string): string {
  return `${verifyDist(PROJECT_FOLDERS[kind], project)}/findings.json`;
}

/** The JSON of one report (findings.json) or of several (kiln verify --json). */
export function verifyJson(reports: VerifyReport | VerifyReport[]): string {
  return stableJson(reports);
}

export function writeFindings(workspaceRoot: string, outputPath: string, report: VerifyReport): string {
  const file = `${outputPath}/findings.json`;
  writeFileAtomic(join(workspaceRoot, file), verifyJson(report));
  return file;
}

/** The executor's report: one line per finding, then where findings.json is; a clean run names what it checked. */
export function formatVerifyReport(report: VerifyReport, file: string): string {
  const n = report.findings.length;
  if (n === 0) return `verify ${report.project}: no drift (${report.checked.join('; ') || 'nothing to check'}) → ${file}`;
  return [...findingLines(report), `verify ${report.project}: ${n} finding${n === 1 ? '' : 's'} → ${file}`].join('\n');
}
