// Finds the Ansible task that failed a build: the last `fatal:`/`failed:` result not followed by `...ignoring`.

export interface FailedAnsibleTask {
  /** The task header as printed between the brackets: `tkg : Install containerd`. */
  task: string;
  /** The role, when the header names one. */
  role?: string;
  name: string;
  host: string;
  /** The loop item, for `failed: [host] (item=…)` results. */
  item?: string;
  /** The result's msg (or stderr) when the result line carries one. */
  message?: string;
  /** 0-based index of the failure line in the lines given. */
  line: number;
}

const TASK = /^(?:TASK|RUNNING HANDLER) \[(.+?)\]\s*\**\s*$/;
const RESULT = /^(?:fatal|failed): \[([^\]]+)\](?::| \(item=(.*?)\))?\s*(?:[A-Z]+!)?\s*(?:=> (.*))?$/;
const IGNORING = /^\.\.\.ignoring\s*$/;

function messageOf(json: string | undefined): string | undefined {
  if (!json) return undefined;
  try {
    const result = JSON.parse(json) as Record<string, unknown>;
    const msg = result.msg ?? result.stderr ?? result.reason;
    if (msg === undefined || msg === '') return undefined;
    return typeof msg === 'string' ? msg : JSON.stringify(msg);
  } catch {
    // A result cut off by the log (or not JSON): take the msg field by its text.
    const m = /"msg":\s*"((?:[^"\\]|\\.)*)"/.exec(json);
    return m ? (JSON.parse(`"${m[1]}"`) as string) : undefined;
  }
}

function nextNonBlank(lines: readonly string[], from: number): string | undefined {
  for (let i = from; i < lines.length; i++) if (lines[i]!.trim() !== '') return lines[i];
  return undefined;
}

/** The failing task, from Ansible output lines (packer prefixes already removed); undefined when none failed. */
export function lastFailedAnsibleTask(lines: readonly string[]): FailedAnsibleTask | undefined {
  let task: string | undefined;
  let failed: FailedAnsibleTask | undefined;
  lines.forEach((text, i) => {
    const header = TASK.exec(text);
    if (header) {
      task = header[1]!.trim();
      return;
    }
    const result = RESULT.exec(text);
    if (!result || IGNORING.test(nextNonBlank(lines, i + 1) ?? '')) return;
    const title = task ?? '(no task header before the failure)';
    const sep = title.indexOf(' : ');
    const message = messageOf(result[3]);
    failed = {
      task: title,
      ...(sep >= 0 ? { role: title.slice(0, sep), name: title.slice(sep + 3) } : { name: title }),
      host: result[1]!,
      ...(result[2] !== undefined ? { item: result[2] } : {}),
      ...(message !== undefined ? { message } : {}),
      line: i,
    };
  });
  return failed;
}
