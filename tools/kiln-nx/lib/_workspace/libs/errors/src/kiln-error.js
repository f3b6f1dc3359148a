// Generated from libs/errors/src/kiln-error.ts by tools/kiln-nx/bin/compile-plugin.js: do not edit, run npm run compile:plugin.
"use strict";
// The one error type of Kiln: a stable code, a message, a hint for the fix, and context.
Object.defineProperty(exports, "__esModule", { value: true });
exports.KilnErrors = exports.KilnError = void 0;
exports.isKilnError = isKilnError;
class KilnError extends Error {
    code;
    hint;
    file;
    line;
    column;
    context;
    constructor(code, message, options = {}) {
        super(message, options.cause === undefined ? undefined : { cause: options.cause });
        this.name = 'KilnError';
        this.code = code;
        this.hint = options.hint;
        this.file = options.file;
        this.line = options.line;
        this.column = options.column;
        this.context = options.context ?? {};
    }
    /** `images/x/image.yaml:12:5` or just the file, or '' when the error is about no file. */
    get location() {
        if (!this.file)
            return '';
        if (this.line === undefined)
            return this.file;
        return `${this.file}:${this.line}:${this.column ?? 1}`;
    }
}
exports.KilnError = KilnError;
function isKilnError(value) {
    return value instanceof KilnError || (value instanceof Error && value.name === 'KilnError' && 'code' in value);
}
/** Several problems found at once (e.g. every schema error of one file). */
class KilnErrors extends KilnError {
    errors;
    constructor(errors) {
        const first = errors[0];
        super(first?.code ?? 'KILN_ERRORS', errors.map((e) => e.message).join('\n'), {
            file: first?.file,
            line: first?.line,
            column: first?.column,
            hint: first?.hint,
        });
        this.name = 'KilnError';
        this.errors = errors;
    }
}
exports.KilnErrors = KilnErrors;
