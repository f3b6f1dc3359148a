// Shell quoting of an argument array, for display (plan records, logs, error messages) and generated scripts.

const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** The arguments as one POSIX shell line: plain words as they are, anything else in single quotes. */
export function shellQuote(args: string[]): string {
  return args.map((a) => (PLAIN.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
