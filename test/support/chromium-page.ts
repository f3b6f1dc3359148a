// Debian's headless chromium, started by a test and driven over the DevTools protocol on a pipe
// (--remote-debugging-pipe: JSON messages ending in NUL on the child's fds 3 and 4; no WebSocket, no npm package).
// Every wait is bounded; close() ends the browser (its own process group, by its pid) and removes its profile.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** The browser: Debian's chromium package (apt-get install chromium), or KILN_E2E_CHROMIUM. */
export const CHROMIUM = process.env.KILN_E2E_CHROMIUM || '/usr/bin/chromium';
/** Bound of one protocol call. */
const CALL_TIMEOUT_MS = 20_000;

interface Pending {
  resolve(value: Record<string, unknown>): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export interface ProtocolEvent {
  method: string;
  params: Record<string, unknown>;
  sessionId?: string;
}

/** A page of the browser: protocol calls go to its session. */
export interface ChromiumPage {
  call<T = Record<string, unknown>>(method: string, params?: Record<string, unknown>): Promise<T>;
  /** The value of a page expression (awaited when it is a promise); a page exception rejects. */
  evaluate<T>(expression: string): Promise<T>;
  /** Polls `expression` every 100 ms until it is truthy, for at most `timeoutMs`; returns its value. */
  waitFor<T>(expression: string, timeoutMs: number, what: string): Promise<T>;
  /** Focuses the element and types `text` as key presses. */
  type(selector: string, text: string): Promise<void>;
  /** A left click at the centre of the element, as the mouse does it. */
  click(selector: string): Promise<void>;
  /** PNG of the whole page. */
  screenshot(): Promise<Buffer>;
}

export interface Chromium {
  /** What the browser wrote on stdout and stderr (for failure messages). */
  output(): string;
  /** Events received so far (console messages, exceptions, requests of the pages). */
  events: ProtocolEvent[];
  newPage(width: number, height: number): Promise<ChromiumPage>;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Chromium> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium), or set KILN_E2E_CHROMIUM`);
  const profile = mkdtempSync(join(tmpdir(), 'kiln-chromium-'));
  const args = [
    '--headless',
    // Chromium refuses to run as root with its sandbox; the page is the test's own file.
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-extensions',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--hide-scrollbars',
    '--mute-audio',
    '--remote-debugging-pipe',
    `--user-data-dir=${profile}`,
    'about:blank',
  ];
  const child: ChildProcess = spawn(CHROMIUM, args, { stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const toBrowser = child.stdio[3] as Writable;
  const fromBrowser = child.stdio[4] as Readable;

  let nextId = 1;
  const pending = new Map<number, Pending>();
  const events: ProtocolEvent[] = [];
  let buffer = '';
  fromBrowser.setEncoding('utf8');
  fromBrowser.on('data', (chunk: string) => {
    buffer += chunk;
    for (let end = buffer.indexOf('\0'); end >= 0; end = buffer.indexOf('\0')) {
      const message = JSON.parse(buffer.slice(0, end)) as {
        id?: number;
        result?: Record<string, unknown>;
        error?: { message: string };
        method?: string;
        params?: Record<string, unknown>;
        sessionId?: string;
      };
      buffer = buffer.slice(end + 1);
      if (message.id !== undefined) {
        const p = pending.get(message.id);
        if (!p) continue;
        pending.delete(message.id);
        clearTimeout(p.timer);
        if (message.error) p.reject(new Error(`DevTools: ${message.error.message}`));
        else p.resolve(message.result ?? {});
      } else if (message.method) {
        events.push({ method: message.method, params: message.params ?? {}, sessionId: message.sessionId });
      }
    }
  });
  const failAll = (why: string) => {
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      p.reject(new Error(`${why}\n${output}`));
      pending.delete(id);
    }
  };
  child.once('exit', (code, signal) => failAll(`chromium exited (${code ?? signal}) during a DevTools call`));
  toBrowser.on('error', () => undefined);

  const send = <T>(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (child.exitCode !== null || child.signalCode !== null) return reject(new Error(`chromium is not running:\n${output}`));
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`DevTools ${method} got no answer within ${CALL_TIMEOUT_MS} ms\n${output}`));
      }, CALL_TIMEOUT_MS);
      pending.set(id, { resolve: resolve as (v: Record<string, unknown>) => void, reject, timer });
      toBrowser.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
    });

  async function newPage(width: number, height: number): Promise<ChromiumPage> {
    const { targetId } = await send<{ targetId: string }>('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
    const call = <T>(method: string, params: Record<string, unknown> = {}) => send<T>(method, params, sessionId);
    await Promise.all([call('Page.enable'), call('Runtime.enable'), call('Log.enable'), call('Network.enable')]);
    await call('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false });

    const evaluate = async <T>(expression: string): Promise<T> => {
      const r = await call<{ result: { value?: T }; exceptionDetails?: { text: string; exception?: { description?: string } } }>(
        'Runtime.evaluate',
        {
          expression,
          returnByValue: true,
          awaitPromise: true,
        },
      );
      if (r.exceptionDetails)
        throw new Error(`page error in ${expression}: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
      return r.result.value as T;
    };

    const centreOf = async (selector: string) => {
      const box = await evaluate<{ x: number; y: number } | null>(
        `(() => { const e = document.querySelector(${JSON.stringify(selector)}); if (!e) return null; e.scrollIntoView({ block: 'center' }); const r = e.getBoundingClientRect(); return { x: r.left + r.width / 2, y: r.top + r.height / 2 }; })()`,
      );
      if (!box) throw new Error(`no element ${selector} on the page`);
      return box;
    };

    return {
      call,
      evaluate,
      async waitFor<T>(expression: string, timeoutMs: number, what: string): Promise<T> {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const value = await evaluate<T>(expression).catch(() => undefined);
          if (value) return value;
          if (Date.now() > deadline) throw new Error(`${what}: not true within ${timeoutMs} ms (${expression})\n${output}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      },
      async type(selector, text) {
        await evaluate(`document.querySelector(${JSON.stringify(selector)}).focus()`);
        for (const ch of text) {
          await call('Input.dispatchKeyEvent', { type: 'keyDown', key: ch, text: ch, unmodifiedText: ch });
          await call('Input.dispatchKeyEvent', { type: 'keyUp', key: ch });
        }
      },
      async click(selector) {
        const { x, y } = await centreOf(selector);
        await call('Input.dispatchMouseEvent', { type: 'mouseMoved', x, y });
        await call('Input.dispatchMouseEvent', { type: 'mousePressed', x, y, button: 'left', clickCount: 1 });
        await call('Input.dispatchMouseEvent', { type: 'mouseReleased', x, y, button: 'left', clickCount: 1 });
      },
      async screenshot() {
        const { data } = await call<{ data: string }>('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true });
        return Buffer.from(data, 'base64');
      },
    };
  }

  async function close(): Promise<void> {
    if (child.exitCode === null && child.signalCode === null) {
      await Promise.race([send('Browser.close').catch(() => undefined), new Promise((r) => setTimeout(r, 5_000))]);
      const gone = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5_000))]);
      // Still running: end the browser's own process group (it was started detached, so the pid is the group id).
      if (!gone && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      }
    }
    rmSync(profile, { recursive: true, force: true });
  }

  // The browser answers on the pipe once it is up: bounded by the call timeout.
  await send('Browser.getVersion').catch(async (e: Error) => {
    await close();
    throw e;
  });
  return { output: () => output, events, newPage, close };
}
