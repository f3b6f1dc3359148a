// Runs a step with SIGINT/SIGTERM/SIGHUP turned into an abort signal, so the step can clean up before it exits.

/** Abort on SIGINT/SIGTERM/SIGHUP while `fn` runs; `interrupted()` names the signal received, if any. */
export async function withInterrupts<T>(fn: (signal: AbortSignal, interrupted: () => string | undefined) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let received: string | undefined;
  const handler = (sig: NodeJS.Signals) => {
    received = sig;
    controller.abort();
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, handler);
  try {
    return await fn(controller.signal, () => received);
  } finally {
    for (const s of signals) process.off(s, handler);
  }
}
