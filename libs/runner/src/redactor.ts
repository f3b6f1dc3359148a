// Replaces known secret values by *** in text, including text that arrives split across chunks.

export const MASK = '***';
/** Shorter values would mask ordinary text; credentials are never this short. */
const MIN_SECRET_LENGTH = 4;
/** A line longer than this is flushed without waiting for its newline (progress bars, binary noise). */
const MAX_PENDING = 64 * 1024;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class Redactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | undefined;

  constructor(values: Iterable<string | undefined> = []) {
    for (const v of values) this.add(v);
  }

  /** Adds a secret and the forms it takes when printed as JSON or in a URL. */
  add(value: string | undefined): void {
    if (!value || value.length < MIN_SECRET_LENGTH) return;
    for (const form of [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)]) this.secrets.add(form);
    this.pattern = undefined;
  }

  get size(): number {
    return this.secrets.size;
  }

  /** Length of the longest secret form: how much text a chunk boundary can split. */
  get longest(): number {
    let n = 0;
    for (const s of this.secrets) n = Math.max(n, s.length);
    return n;
  }

  private regex(): RegExp | undefined {
    if (this.secrets.size === 0) return undefined;
    if (!this.pattern) {
      const alternatives = [...this.secrets].sort((a, b) => b.length - a.length).map(escapeRegExp);
      this.pattern = new RegExp(alternatives.join('|'), 'g');
    }
    return this.pattern;
  }

  redact(text: string): string {
    const re = this.regex();
    return re && text.length > 0 ? text.replace(re, MASK) : text;
  }

  /**
   * Where `text` can be cut so the part before it is safe to redact and emit now: at least
   * `longest - 1` characters stay behind (a secret whose end has not arrived yet starts there), and
   * never inside a secret that is already whole.
   */
  safeCut(text: string): number {
    let cut = Math.max(text.length - Math.max(this.longest - 1, 0), 0);
    const re = this.regex();
    if (!re) return text.length;
    for (const m of text.matchAll(re)) {
      const start = m.index ?? 0;
      const end = start + m[0].length;
      if (start < cut && end > cut) cut = end;
    }
    return cut;
  }
}

/**
 * Streaming redaction: feed chunks, get back complete, redacted lines. Text is held until its line ends,
 * so a secret split across chunks is still whole when it is matched.
 */
export class LineRedactor {
  private pending = '';

  constructor(private readonly redactor: Redactor) {}

  /** Returns the redacted complete lines (each ending in \n) available after this chunk. */
  push(chunk: string): string {
    this.pending += chunk;
    const cut = Math.max(this.pending.lastIndexOf('\n'), this.pending.lastIndexOf('\r'));
    if (cut >= 0) {
      const ready = this.pending.slice(0, cut + 1);
      this.pending = this.pending.slice(cut + 1);
      return this.redactor.redact(ready);
    }
    if (this.pending.length > MAX_PENDING) {
      const at = this.redactor.safeCut(this.pending);
      const ready = this.pending.slice(0, at);
      this.pending = this.pending.slice(at);
      return this.redactor.redact(ready);
    }
    return '';
  }

  /** The rest, redacted (call at end of stream). */
  flush(): string {
    const rest = this.redactor.redact(this.pending);
    this.pending = '';
    return rest;
  }
}
