// Asks whether an HTTP URL answers (status below 400), with a per-request timeout.
import { get } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export function httpAnswers(url: string, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get(url, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 400);
    });
    req.setTimeout(timeoutMs, () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** Polls until `url` answers or `timeoutMs` passes. */
export async function waitForHttp(url: string, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !signal?.aborted) {
    if (await httpAnswers(url)) return true;
    await sleep(250);
  }
  return false;
}
