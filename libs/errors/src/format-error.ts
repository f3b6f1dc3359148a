// Turns any thrown value into clean text for the CLI/executor edge: no stack traces for Kiln errors.
import { isKilnError, KilnError, KilnErrors } from './kiln-error';

function formatOne(error: KilnError): string {
  const where = error.location ? `${error.location}: ` : '';
  const lines = [`${where}${error.message}`];
  if (error.hint) lines.push(`  hint: ${error.hint}`);
  for (const [key, value] of Object.entries(error.context)) {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    if (text.includes('\n')) {
      lines.push(`  ${key}:`);
      for (const l of text.split('\n')) lines.push(`    ${l}`);
    } else {
      lines.push(`  ${key}: ${text}`);
    }
  }
  return lines.join('\n');
}

/** One line per problem, then `hint:` lines; unexpected errors keep their stack (they are bugs). */
export function formatError(error: unknown): string {
  if (error instanceof KilnErrors) return error.errors.map(formatOne).join('\n');
  if (isKilnError(error)) return formatOne(error);
  if (error instanceof Error) return `internal error: ${error.stack ?? error.message}`;
  return `internal error: ${String(error)}`;
}
