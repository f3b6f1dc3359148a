// kilnErrorOf / kilnRejectionOf: the KilnError thrown or rejected; anything else fails the test.
import { describe, expect, it } from 'vitest';
import { KilnError } from '@kiln/errors';
import { kilnErrorOf, kilnRejectionOf } from './kiln-error-of';

const boom = new KilnError('BOOM', 'it broke');

describe('kilnErrorOf', () => {
  it('returns the KilnError the call throws', () => {
    expect(
      kilnErrorOf(() => {
        throw boom;
      }),
    ).toBe(boom);
  });

  it('rethrows any other error', () => {
    expect(() =>
      kilnErrorOf(() => {
        throw new TypeError('not kiln');
      }),
    ).toThrow(TypeError);
  });

  it('fails when nothing is thrown', () => {
    expect(() => kilnErrorOf(() => 1)).toThrow('expected a KilnError, but nothing was thrown');
  });
});

describe('kilnRejectionOf', () => {
  it('returns the KilnError a promise, or a function returning one, rejects with', async () => {
    expect(await kilnRejectionOf(Promise.reject(boom))).toBe(boom);
    expect(
      await kilnRejectionOf(async () => {
        throw boom;
      }),
    ).toBe(boom);
  });

  it('rethrows any other rejection', async () => {
    await expect(kilnRejectionOf(Promise.reject(new TypeError('not kiln')))).rejects.toThrow(TypeError);
  });

  it('fails when the promise resolves', async () => {
    await expect(kilnRejectionOf(Promise.resolve(1))).rejects.toThrow('expected a KilnError, but the promise resolved');
  });
});
