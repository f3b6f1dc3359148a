// Custom TKr version and name rules: release.version gets -<suffix>; the TKr name is the version with + as ---.
import { parseDocument, isMap, isScalar } from 'yaml';
import { KilnError } from '@kiln/errors';

/** Kubernetes name rules for the suffix (lowercase RFC 1123 label). */
const SUFFIX = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
/** The TKr name is also a label value (tanzuKubernetesRelease), so at most 63 characters. */
const MAX_TKR_NAME = 63;

/** The TKr (and ConfigMap) name for a release.version: every + becomes ---. */
export function tkrNameOf(version: string): string {
  return version.replace(/\+/g, '---');
}

/** release.version of the custom TKr: base + "-" + suffix (never a prefix); throws on a suffix Kubernetes would refuse. */
export function customTkrVersion(baseVersion: string, suffix: string, file?: string): string {
  if (!SUFFIX.test(suffix)) {
    throw new KilnError('TKR_SUFFIX_INVALID', `suffix ${JSON.stringify(suffix)} is not a valid Kubernetes name part`, {
      file,
      hint: "use lowercase letters, digits and '-', starting and ending with a letter or digit",
    });
  }
  if (baseVersion.endsWith(`-${suffix}`)) {
    throw new KilnError(
      'TKR_SUFFIX_PRESENT',
      `release.version ${baseVersion} already ends with -${suffix}: the base BoM looks already customized`,
      {
        file,
        hint: 'point bom: at the BoM the TKG release ships (npx kiln bom import), not at a generated one',
      },
    );
  }
  const version = `${baseVersion}-${suffix}`;
  const name = tkrNameOf(version);
  if (name.length > MAX_TKR_NAME) {
    throw new KilnError(
      'TKR_NAME_LENGTH',
      `TKr name ${name} is ${name.length} characters long; a Kubernetes label value allows at most ${MAX_TKR_NAME}`,
      {
        file,
        hint: `shorten the suffix by ${name.length - MAX_TKR_NAME} characters`,
      },
    );
  }
  return version;
}

/** release.version of a BoM text; a clear error when the file is not a TKr BoM. */
export function bomReleaseVersion(text: string, file: string): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new KilnError('BOM_INVALID', `invalid YAML: ${e.message.split('\n')[0]}`, {
      file,
      line: e.linePos?.[0].line,
      column: e.linePos?.[0].col,
    });
  }
  const release = isMap(doc.contents) ? doc.contents.get('release', true) : undefined;
  const version = isMap(release) ? release.get('version', true) : undefined;
  if (!isScalar(version) || typeof version.value !== 'string' || version.value === '') {
    throw new KilnError('BOM_NO_RELEASE_VERSION', 'the BoM has no release.version string: is this a TKr BoM (tkr-bom-<version>.yaml)?', {
      file,
      hint: 'use a BoM from ~/.config/tanzu/tkg/bom/ (npx kiln bom import)',
    });
  }
  return version.value;
}
