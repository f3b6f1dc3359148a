import { describe, expect, it } from 'vitest';
import { LineRedactor, MASK, Redactor } from './redactor';

const SECRET = 'p@ss "w0rd"/x';

function streamThrough(chunks: string[], redactor: Redactor): string {
  const lines = new LineRedactor(redactor);
  return chunks.map((c) => lines.push(c)).join('') + lines.flush();
}

describe('Redactor', () => {
  it('masks every occurrence of a secret', () => {
    expect(new Redactor([SECRET]).redact(`a ${SECRET} b ${SECRET}`)).toBe(`a ${MASK} b ${MASK}`);
  });

  it('masks the JSON-escaped and URL-encoded forms too', () => {
    const r = new Redactor([SECRET]);
    expect(r.redact(JSON.stringify({ password: SECRET }))).toBe(`{"password":"${MASK}"}`);
    expect(r.redact(`https://u:${encodeURIComponent(SECRET)}@host`)).toBe(`https://u:${MASK}@host`);
  });

  it('masks the longest secret first when one contains another', () => {
    expect(new Redactor(['abcd', 'abcdefgh']).redact('x abcdefgh y')).toBe(`x ${MASK} y`);
  });

  it('ignores empty and very short values (they would mask ordinary text)', () => {
    const r = new Redactor(['', undefined, 'ab']);
    expect(r.size).toBe(0);
    expect(r.redact('ab abc')).toBe('ab abc');
  });

  it('treats regex metacharacters literally', () => {
    expect(new Redactor(['a.b*c(d)']).redact('a.b*c(d) aXbbc(d)')).toBe(`${MASK} aXbbc(d)`);
  });
});

describe('LineRedactor (secrets split across chunks)', () => {
  it('masks a secret split at every possible chunk boundary', () => {
    const r = new Redactor([SECRET]);
    const text = `before ${SECRET} after\nnext line\n`;
    for (let cut = 1; cut < text.length; cut++) {
      expect(streamThrough([text.slice(0, cut), text.slice(cut)], r)).toBe(`before ${MASK} after\nnext line\n`);
    }
  });

  it('masks a secret delivered one character per chunk', () => {
    const text = `x=${SECRET};\n`;
    expect(streamThrough([...text], new Redactor([SECRET]))).toBe(`x=${MASK};\n`);
  });

  it('holds a partial line until its end arrives', () => {
    const lines = new LineRedactor(new Redactor([SECRET]));
    expect(lines.push('partial ' + SECRET.slice(0, 3))).toBe('');
    expect(lines.push(SECRET.slice(3) + ' done\n')).toBe(`partial ${MASK} done\n`);
  });

  it('treats carriage returns (progress bars) as line ends', () => {
    expect(streamThrough([`10% ${SECRET}\r20%\r`], new Redactor([SECRET]))).toBe(`10% ${MASK}\r20%\r`);
  });

  it('flushes a very long line without a newline but never cuts a secret in two', () => {
    const r = new Redactor([SECRET]);
    const filler = 'y'.repeat(64 * 1024 - 5);
    const text = `${filler}${SECRET}${'z'.repeat(100)}`;
    for (const cut of [filler.length + 2, filler.length + 8, text.length - 50]) {
      const out = streamThrough([text.slice(0, cut), text.slice(cut)], r);
      expect(out).toBe(`${filler}${MASK}${'z'.repeat(100)}`);
    }
  });

  it('flush() masks a secret at the very end of the stream', () => {
    expect(streamThrough(['tail ', SECRET], new Redactor([SECRET]))).toBe(`tail ${MASK}`);
  });
});
