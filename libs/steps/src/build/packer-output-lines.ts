// Strips packer's UI prefixes (`==> vsphere-iso: `, `    vsphere-iso: `) so provisioner output reads as printed.

/** Colour codes (ESC [ … letter); the ESC is built from its code so the pattern holds no control character. */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g');
const BUILDER_LINE = /^(?:==>|-->) ([A-Za-z0-9][\w.-]*): /;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The line without terminal colour codes or a trailing carriage return. */
export function plainLine(line: string): string {
  return line.replace(ANSI, '').replace(/\r$/, '');
}

/** The prefix packer puts before the messages of the builders seen in `==> <builder>: ` lines, if any. */
function builderPrefix(plain: readonly string[]): RegExp | undefined {
  const builders = new Set<string>();
  for (const l of plain) {
    const m = BUILDER_LINE.exec(l);
    if (m) builders.add(m[1]!);
  }
  if (builders.size === 0) return undefined;
  const names = [...builders].map(escapeRegExp).join('|');
  return new RegExp(`^(?:==> |--> | {4})(?:${names}):(?: |$)`);
}

/**
 * The lines as the provisioners printed them, at their indices: colour codes removed, and the prefix packer adds
 * for each builder seen in a `==> <builder>: ` line removed once (indentation after it is kept). Every line no
 * builder printed (make, packer's closing summary, stderr lines the pipe interleaved into a goss report) becomes
 * empty, so a provisioner's multi-line output reads whole. Without any builder line, every line (colours removed).
 */
export function builderMessageLines(lines: readonly string[]): string[] {
  const plain = lines.map(plainLine);
  const prefix = builderPrefix(plain);
  return prefix ? plain.map((l) => (prefix.test(l) ? l.replace(prefix, '') : '')) : plain;
}
