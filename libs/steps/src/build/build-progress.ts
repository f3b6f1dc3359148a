// Turns image-builder output lines into a phase ("provisioning with ansible", ...) and elapsed time.

const PHASES: Array<[RegExp, string]> = [
  [/AMIs were created|Creating AMI|Waiting for AMI/i, 'creating AMI'],
  [/ManagedImageSharedImageGalleryId|Shared Image Gallery|Capturing image/i, 'publishing to the image gallery'],
  [/Exporting|ovftool|Creating OVA|export.*\.ova/i, 'exporting OVA'],
  [/goss/i, 'running goss'],
  [/Provisioning with (Ansible|ansible)|ansible-playbook|Running ansible|PLAY \[/, 'provisioning with ansible'],
  [
    /Waiting for SSH|Connected to SSH|Launching a source|Creating (build )?VM|Creating temporary|Uploading .*\.iso|Creating resource group/i,
    'booting the build VM',
  ],
];

/** The phase of a build before any output line names one. */
export const INITIAL_PHASE = 'starting image-builder';

export function phaseOf(line: string): string | undefined {
  return PHASES.find(([re]) => re.test(line))?.[1];
}

export function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(r).padStart(2, '0')}s`;
}

export class BuildProgress {
  private phase = INITIAL_PHASE;
  private readonly started: number;

  constructor(
    private readonly write: (text: string) => void,
    private readonly prefix: string,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  get current(): string {
    return this.phase;
  }

  /** Feeds one output line; prints a progress line when the phase changes. */
  line(text: string): void {
    const next = phaseOf(text);
    if (next && next !== this.phase) {
      this.phase = next;
      this.write(`${this.prefix}▶ ${next} (elapsed ${formatElapsed(this.now() - this.started)})\n`);
    }
  }

  /** Periodic reminder for CI logs during long quiet phases. */
  heartbeat(): void {
    this.write(`${this.prefix}… still ${this.phase} (elapsed ${formatElapsed(this.now() - this.started)})\n`);
  }

  elapsed(): string {
    return formatElapsed(this.now() - this.started);
  }
}
