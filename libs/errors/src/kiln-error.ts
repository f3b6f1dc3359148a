// The one error type of Kiln: a stable code, a message, a hint for the fix, and context.

export interface KilnErrorOptions {
  /** What the user should do about it. */
  hint?: string;
  /** Workspace-relative file the error is about. */
  file?: string;
  /** 1-based line and column inside `file`. */
  line?: number;
  column?: number;
  /** Extra facts (command, exit code, stderr tail...), already redacted. */
  context?: Record<string, unknown>;
  cause?: unknown;
}

export class KilnError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly context: Record<string, unknown>;

  constructor(code: string, message: string, options: KilnErrorOptions = {}) {
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
  get location(): string {
    if (!this.file) return '';
    if (this.line === undefined) return this.file;
    return `${this.file}:${this.line}:${this.column ?? 1}`;
  }
}

export function isKilnError(value: unknown): value is KilnError {
  return value instanceof KilnError || (value instanceof Error && value.name === 'KilnError' && 'code' in value);
}

/** Several problems found at once (e.g. every schema error of one file). */
export class KilnErrors extends KilnError {
  readonly errors: KilnError[];
  constructor(errors: KilnError[]) {
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
