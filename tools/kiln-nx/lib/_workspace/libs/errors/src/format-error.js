// Generated from libs/errors/src/format-error.ts by tools/kiln-nx/bin/compile-plugin.js: do not edit, run npm run compile:plugin.
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.formatError = formatError;
// Turns any thrown value into clean text for the CLI/executor edge: no stack traces for Kiln errors.
const kiln_error_1 = require("./kiln-error.js");
function formatOne(error) {
    const where = error.location ? `${error.location}: ` : '';
    const lines = [`${where}${error.message}`];
    if (error.hint)
        lines.push(`  hint: ${error.hint}`);
    for (const [key, value] of Object.entries(error.context)) {
        const text = typeof value === 'string' ? value : JSON.stringify(value);
        if (text.includes('\n')) {
            lines.push(`  ${key}:`);
            for (const l of text.split('\n'))
                lines.push(`    ${l}`);
        }
        else {
            lines.push(`  ${key}: ${text}`);
        }
    }
    return lines.join('\n');
}
/** One line per problem, then `hint:` lines; unexpected errors keep their stack (they are bugs). */
function formatError(error) {
    if (error instanceof kiln_error_1.KilnErrors)
        return error.errors.map(formatOne).join('\n');
    if ((0, kiln_error_1.isKilnError)(error))
        return formatOne(error);
    if (error instanceof Error)
        return `internal error: ${error.stack ?? error.message}`;
    return `internal error: ${String(error)}`;
}
