// Words a YAML parse error as a KilnError placed where the user has to look (duplicate key, unclosed quote, bad indent).
import { isScalar, visit, type Document, type LineCounter, type Scalar, type YAMLError } from 'yaml';
import { KilnError } from '@kiln/errors';

const GENERIC_HINT = 'fix the YAML syntax at this position (indentation, quotes, duplicate keys)';

interface Worded {
  offset: number;
  message: string;
  hint: string;
}

/** The duplicate key starting at `offset` and the line of its first occurrence. */
function duplicateKey(doc: Document.Parsed, lines: LineCounter, offset: number): Worded | undefined {
  let found: Worded | undefined;
  visit(doc, {
    Map(_, map) {
      const keys = map.items.map((p) => p.key).filter((k): k is Scalar => isScalar(k));
      const dup = keys.find((k) => k.range?.[0] === offset);
      if (!dup) return;
      const first = keys.find((k) => k.value === dup.value) ?? dup;
      found = {
        offset,
        message: `duplicate key ${JSON.stringify(String(dup.value))} (first set on line ${lines.linePos(first.range?.[0] ?? offset).line})`,
        hint: 'keep one of the two: a key can appear only once in a map',
      };
      return visit.BREAK;
    },
  });
  return found;
}

/** An unclosed quoted value runs to the end of the file: point at its opening quote instead. */
function unclosedQuote(doc: Document.Parsed, offset: number): Worded | undefined {
  let found: Worded | undefined;
  visit(doc, {
    Scalar(_, scalar) {
      const quoted = scalar.type === 'QUOTE_DOUBLE' || scalar.type === 'QUOTE_SINGLE';
      if (!quoted || !scalar.range || scalar.range[0] > offset || scalar.range[1] < offset) return;
      const quote = scalar.type === 'QUOTE_DOUBLE' ? '"' : "'";
      found = {
        offset: scalar.range[0],
        message: `the ${quote} opened here is never closed`,
        hint: `add the closing ${quote} at the end of the value`,
      };
      return visit.BREAK;
    },
  });
  return found;
}

/** Skips the indentation an error offset may start on, so the column points at the offending token. */
function skipIndent(text: string, offset: number): number {
  let i = offset;
  while (text[i] === ' ') i++;
  return i < text.length && text[i] !== '\n' && text[i] !== '\r' ? i : offset;
}

export function yamlSyntaxError(file: string, text: string, doc: Document.Parsed, lines: LineCounter, e: YAMLError): KilnError {
  const generic: Worded = {
    offset: skipIndent(text, e.pos[0]),
    message: e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''),
    hint: GENERIC_HINT,
  };
  const worded =
    (e.code === 'DUPLICATE_KEY' ? duplicateKey(doc, lines, e.pos[0]) : undefined) ??
    (e.code === 'MISSING_CHAR' && /quote/i.test(e.message) ? unclosedQuote(doc, e.pos[0]) : undefined) ??
    generic;
  const pos = lines.linePos(worded.offset);
  return new KilnError('YAML_SYNTAX', `invalid YAML: ${worded.message}`, { file, line: pos.line, column: pos.col, hint: worded.hint });
}
