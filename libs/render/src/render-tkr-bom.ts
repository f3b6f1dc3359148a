// gen-bom's renderer: base BoM + images → the custom TKr BoM, its ConfigMap, a diff and a record (pure).
import { editTkrBom } from './edit-tkr-bom';
import { lineDiff } from './line-diff';
import { renderBomConfigMap } from './render-bom-configmap';
import { stableJson } from './stable-json';
import type { BomImage } from './tkr-bom-images';
import { tkrNameOf } from './tkr-naming';

export interface TkrBomInput {
  /** TKr project name (folder under tkrs/). */
  tkr: string;
  /** Workspace-relative path of the base BoM (messages and the diff header). */
  bomFile: string;
  /** The base BoM's text, as read. */
  bom: string;
  suffix: string;
  /** Namespace of the ConfigMap. */
  namespace: string;
  images: BomImage[];
  /** Workspace-relative folder the files are written to (the diff header names the new BoM there). */
  outputPath: string;
}

export interface TkrBomOutput {
  baseVersion: string;
  version: string;
  /** The TKr (and ConfigMap) name: version with + as ---. */
  tkrName: string;
  bomFileName: string;
  configMapFileName: string;
  /** File name → content. */
  files: Record<string, string>;
  /** Human summary: one line per change, then the diff size. */
  summary: string[];
}

export function renderTkrBom(input: TkrBomInput): TkrBomOutput {
  const edit = editTkrBom(input.bom, input.bomFile, input.suffix, input.images);
  const tkrName = tkrNameOf(edit.version);
  const bomFileName = `tkr-bom-${tkrName}.yaml`;
  const configMapFileName = `configmap-${tkrName}.yaml`;
  const diff = lineDiff(input.bom, edit.text, input.bomFile, `${input.outputPath}/${bomFileName}`);
  const record = {
    tkr: input.tkr,
    baseBom: input.bomFile,
    baseVersion: edit.baseVersion,
    version: edit.version,
    tkrName,
    namespace: input.namespace,
    bom: bomFileName,
    configMap: configMapFileName,
    images: input.images.map((i) => i.image),
  };
  return {
    baseVersion: edit.baseVersion,
    version: edit.version,
    tkrName,
    bomFileName,
    configMapFileName,
    files: {
      [bomFileName]: edit.text,
      [configMapFileName]: renderBomConfigMap(edit.text, edit.version, input.namespace),
      'changes.diff': diff.text,
      'tkr.json': stableJson(record),
    },
    summary: [...edit.changes, `diff: +${diff.added} -${diff.removed} lines (changes.diff)`],
  };
}
