// A problem found in a spec file before it is placed at a line and column.
import { KilnError, KilnErrors } from '@kiln/errors';
import { keyPositionAt, positionAt, type YamlSource } from './yaml-source';

export interface Problem {
  code: string;
  /** JSON pointer of the offending value (or of the map holding an unknown/missing key). */
  path: string;
  message: string;
  hint?: string;
  /** Unknown keys point at the key itself. */
  key?: string;
}

/** Printable form of a pointer: the pointer itself, or "top level" for the root. */
export function showPath(path: string): string {
  return path === '' ? 'top level' : path;
}

export function problemsToError(src: YamlSource, problems: Problem[]): KilnError {
  const errors = problems.map((p) => {
    const pos = p.key === undefined ? positionAt(src, p.path) : keyPositionAt(src, p.path, p.key);
    return new KilnError(p.code, p.message, { file: src.file, line: pos.line, column: pos.column, hint: p.hint });
  });
  errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  return errors.length === 1 ? errors[0] : new KilnErrors(errors);
}
