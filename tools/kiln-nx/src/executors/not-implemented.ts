// The real-mode failure of a target whose side effects a later issue implements.
import { KilnError } from '@kiln/errors';

export function notImplemented(target: string, issue: string): KilnError {
  return new KilnError('NOT_IMPLEMENTED', `${target} is not implemented yet (${issue})`, {
    hint: `run it with -c plan to see the exact commands it will run`,
  });
}
