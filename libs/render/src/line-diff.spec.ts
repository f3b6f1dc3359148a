// lineDiff: unified hunks with three lines of context, as `diff -u` and git write them.
import { describe, expect, it } from 'vitest';
import { lineDiff } from './line-diff';

const lines = (...l: string[]) => l.map((x) => x + '\n').join('');

describe('lineDiff', () => {
  it('is empty for equal texts', () => {
    expect(lineDiff('a\nb\n', 'a\nb\n', 'A', 'B')).toEqual({ text: '', added: 0, removed: 0 });
  });

  it('writes an insertion with three lines of context around it', () => {
    expect(
      lineDiff(lines('1', '2', '3', '4', '5', '6', '7', '8'), lines('1', '2', '3', '4', 'new', '5', '6', '7', '8'), 'A', 'B').text,
    ).toBe(lines('--- A', '+++ B', '@@ -2,6 +2,7 @@', ' 2', ' 3', ' 4', '+new', ' 5', ' 6', ' 7'));
  });

  it('writes a changed line as - then +', () => {
    expect(lineDiff(lines('a', 'b', 'c'), lines('a', 'B', 'c'), 'A', 'B')).toEqual({
      text: lines('--- A', '+++ B', '@@ -1,3 +1,3 @@', ' a', '-b', '+B', ' c'),
      added: 1,
      removed: 1,
    });
  });

  it('keeps changes more than six lines apart in separate hunks', () => {
    const before = lines('0', '1', '2', '3', '4', '5', '6', '7', '8', '9');
    const after = lines('x', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'y');
    expect(lineDiff(before, after, 'A', 'B').text).toBe(
      lines('--- A', '+++ B', '@@ -1,3 +1,4 @@', '+x', ' 0', ' 1', ' 2', '@@ -8,3 +9,4 @@', ' 7', ' 8', ' 9', '+y'),
    );
  });

  it('merges changes whose context overlaps into one hunk', () => {
    expect(lineDiff(lines('a', 'b', 'c', 'd'), lines('a', 'X', 'b', 'c', 'Y', 'd'), 'A', 'B').text).toBe(
      lines('--- A', '+++ B', '@@ -1,4 +1,6 @@', ' a', '+X', ' b', ' c', '+Y', ' d'),
    );
  });

  it('diffs a new file against /dev/null from line 0', () => {
    expect(lineDiff('', lines('a', 'b'), '/dev/null', 'B')).toEqual({
      text: lines('--- /dev/null', '+++ B', '@@ -0,0 +1,2 @@', '+a', '+b'),
      added: 2,
      removed: 0,
    });
  });

  it('marks a last line without a newline, and counts a newline added at the end as a change', () => {
    expect(lineDiff('a\nb', lines('a', 'b'), 'A', 'B')).toEqual({
      text: lines('--- A', '+++ B', '@@ -1,2 +1,2 @@', ' a', '-b', '\\ No newline at end of file', '+b'),
      added: 1,
      removed: 1,
    });
  });
});
