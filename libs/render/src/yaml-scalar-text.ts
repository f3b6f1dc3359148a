// YAML text of one scalar written into an existing file: plain when that is unambiguous, else double-quoted.
import { parse } from 'yaml';

const PLAIN_SAFE = /^[A-Za-z0-9_./][A-Za-z0-9_.+\-/:@]*$/;
/** Words YAML 1.1 readers (go-yaml in the tanzu CLI and TKr controller) take as booleans or null. */
const YAML11_SPECIAL = /^(y|yes|n|no|on|off|true|false|null)$/i;
/** Words some YAML reader takes as a number, a date or a sexagesimal ("20.04", "0.0.1", "2021-06-28", "1:30"). */
const NUMBER_LIKE = /^[-+]?(\.?[0-9][0-9_]*)+([eE][-+]?[0-9]+)?$|^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}|^[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$/;

export function yamlScalarText(value: string | number | boolean): string {
  if (typeof value !== 'string') return String(value);
  const plain = PLAIN_SAFE.test(value) && !YAML11_SPECIAL.test(value) && !NUMBER_LIKE.test(value) && parse(value) === value;
  return plain ? value : JSON.stringify(value);
}
