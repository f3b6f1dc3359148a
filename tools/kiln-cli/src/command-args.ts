// One CLI command from its usage text, its options and a run function: strict option parsing, --help, and a usage
// error (unknown option, missing value, value for a switch, extra argument) printed with the usage on stderr, exit 2.
import { parseArgs } from 'node:util';

type OptionSpec = { type: 'string' | 'boolean'; short?: string };
type OptionSpecs = Record<string, OptionSpec>;

/** The parsed option values: strings for string options, true for switches; absent when not given. */
export type OptionValues<O extends OptionSpecs> = { [K in keyof O]?: O[K] extends { type: 'string' } ? string : boolean };

export interface ParsedArgs<O extends OptionSpecs> {
  values: OptionValues<O>;
  positionals: string[];
}

/** `kiln <command>` as main.ts dispatches it. */
export type Command = (args: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream) => Promise<number>;

export interface CommandSpec<O extends OptionSpecs> {
  /** `kiln <name>`, as error messages start. */
  name: string;
  /** Printed on stdout for --help / -h and on stderr after a usage error. */
  usage: string;
  /** Every option the command takes (--help is added). */
  options: O;
  /** How many positional arguments it takes at most (default none). */
  maxPositionals?: number;
  run(args: ParsedArgs<O>, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number>;
}

/** A wrong command line: the message is printed with the command's usage, and the command exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** What is wrong with `args` that a strict parse refused, by looking at them as a lenient parse reads them. */
function describeRefusal(args: string[], options: OptionSpecs, error: Error): string {
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const spec = Object.prototype.hasOwnProperty.call(options, t.name) ? options[t.name] : undefined;
    if (!spec) return `unknown option ${t.rawName}`;
    if (spec.type === 'boolean' && t.value !== undefined) return `${t.rawName} takes no value`;
    if (spec.type === 'string' && (t.value === undefined || (!t.inlineValue && t.value.startsWith('-'))))
      return `${t.rawName} needs a value`;
  }
  return error.message.split('\n')[0];
}

/** Parses `args` strictly; throws a UsageError naming the first thing wrong. */
function parseCommandArgs<const O extends OptionSpecs>(args: string[], options: O, maxPositionals = 0): ParsedArgs<O> & { help: boolean } {
  const all: OptionSpecs = { ...options, help: { type: 'boolean', short: 'h' } };
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: all, strict: true, allowPositionals: true });
  } catch (e) {
    throw new UsageError(describeRefusal(args, all, e as Error));
  }
  const { help, ...values } = parsed.values;
  if (help) return { values: values as OptionValues<O>, positionals: parsed.positionals, help: true };
  const empty = Object.keys(options).find((name) => values[name] === '');
  if (empty) throw new UsageError(`--${empty} needs a value`);
  if (parsed.positionals.length > maxPositionals)
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[maxPositionals])}`);
  return { values: values as OptionValues<O>, positionals: parsed.positionals, help: false };
}

/** The command as main.ts runs it: --help prints the usage; a UsageError prints message and usage on stderr, exit 2. */
export function defineCommand<const O extends OptionSpecs>(spec: CommandSpec<O>): Command {
  return async (args, out, err) => {
    try {
      const { help, ...parsed } = parseCommandArgs(args, spec.options, spec.maxPositionals);
      if (help) {
        out.write(spec.usage);
        return 0;
      }
      return await spec.run(parsed, out, err);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      err.write(`kiln ${spec.name}: ${e.message}\n\n${spec.usage}`);
      return 2;
    }
  };
}
