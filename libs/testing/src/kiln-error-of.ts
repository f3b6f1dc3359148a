// The KilnError a call throws (any other error, or none, fails the test with a clear message).
import { isKilnError, type KilnError } from '@kiln/errors';

export function kilnErrorOf(fn: () => unknown): KilnError {
  try {
    fn();
  } catch (e) {
    if (isKilnError(e)) return e;
    throw e;
  }
  throw new Error('expected a KilnError, but nothing was thrown');
}

export async function kilnRejectionOf(promise: Promise<unknown> | (() => Promise<unknown>)): Promise<KilnError> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (e) {
    if (isKilnError(e)) return e;
    throw e;
  }
  throw new Error('expected a KilnError, but the promise resolved');
}
