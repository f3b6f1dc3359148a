// Builds busybox stand-ins for the TKG resource-bundle and image-builder images, tagged with the catalog's real names.
// They stand in for projects.registry.vmware.com/tkg/linux-resource-bundle and .../tkg/image-builder (no registry
// is reachable in tests); sources live in test/standins/ (image-builder/make.sh says what the builder checks).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { loadCatalog } from '@kiln/catalog';
import { dockerEnv } from './docker-engine';

/** Where the stand-in sources live. */
export const STANDINS_DIR = resolve(__dirname, '..', 'standins');
/** The busybox binary the stand-ins are made of (Debian busybox-static). */
export const BUSYBOX = '/bin/busybox';
/** Image label carrying the digest of the stand-in sources an image was built from. */
export const STANDIN_LABEL = 'kiln.standin';
/** The dummy containerd archive the bundle serves (the name tkg.json's containerd_url uses). */
export const CONTAINERD_TAR = 'cri-containerd-v1.6.18+vmware.1.linux-amd64.tar';

export interface StandinRequest {
  bundleImages: string[];
  builderImages: string[];
}

/** Every release's image names from the catalog: the names the stand-ins are tagged with. */
export function catalogImageNames(): StandinRequest {
  const releases = Object.values(loadCatalog().releases);
  const unique = (names: string[]) => [...new Set(names)].sort();
  return {
    bundleImages: unique(releases.map((r) => r.images.bundle)),
    builderImages: unique(releases.map((r) => r.images.builder)),
  };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
}

/** sha256 over the stand-in sources, this build script and the busybox binary. */
export function standinDigest(): string {
  const hash = createHash('sha256');
  for (const file of [...filesUnder(STANDINS_DIR), __filename, BUSYBOX]) {
    const name = file === BUSYBOX ? BUSYBOX : relative(STANDINS_DIR, file);
    hash.update(`${name}\0`).update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

/** The stand-in AMI id the builder reports for an AMI name and region (mirrors make.sh). */
export function standinAmiId(amiName: string, region: string): string {
  return `ami-${createHash('sha256').update(`${amiName}:${region}`).digest('hex').slice(0, 17)}`;
}

/** The stand-in Shared Image Gallery version the builder reports for an image name (mirrors make.sh). */
export function standinAzureVersion(imageName: string): string {
  return `0.1.${parseInt(createHash('sha256').update(imageName).digest('hex').slice(0, 7), 16)}`;
}

function docker(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('docker', args, { env: dockerEnv(), encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

function labelOf(image: string): string | undefined {
  const r = docker(['image', 'inspect', '--format', `{{ index .Config.Labels "${STANDIN_LABEL}" }}`, image]);
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/** A rootfs with busybox and its applets in /bin, /etc/passwd and /tmp. */
function baseRootfs(dir: string): void {
  for (const d of ['bin', 'usr/bin', 'etc', 'tmp', 'root']) mkdirSync(join(dir, d), { recursive: true });
  chmodSync(join(dir, 'tmp'), 0o1777);
  copyFileSync(BUSYBOX, join(dir, 'bin', 'busybox'));
  chmodSync(join(dir, 'bin', 'busybox'), 0o755);
  const list = spawnSync(BUSYBOX, ['--list'], { encoding: 'utf8' });
  if (list.status !== 0) throw new Error(`${BUSYBOX} --list failed: ${list.stderr}`);
  for (const applet of list.stdout.split('\n').filter((a) => a && a !== 'busybox')) symlinkSync('busybox', join(dir, 'bin', applet));
  writeFileSync(join(dir, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nimagebuilder:x:1000:1000::/home/imagebuilder:/bin/sh\n');
  writeFileSync(join(dir, 'etc', 'group'), 'root:x:0:\nimagebuilder:x:1000:\n');
}

function copyTree(from: string, to: string): void {
  for (const file of filesUnder(from)) {
    const dest = join(to, relative(from, file));
    mkdirSync(resolve(dest, '..'), { recursive: true });
    copyFileSync(file, dest);
  }
}

function bundleRootfs(dir: string): void {
  baseRootfs(dir);
  copyTree(join(STANDINS_DIR, 'resource-bundle', 'files'), join(dir, 'srv', 'files'));
  // Test-only: the vCenter inventory the image-builder stand-in asks about leftover build VMs.
  mkdirSync(join(dir, 'srv', 'cgi-bin'));
  copyFileSync(join(STANDINS_DIR, 'resource-bundle', 'cgi-bin', 'vcenter'), join(dir, 'srv', 'cgi-bin', 'vcenter'));
  chmodSync(join(dir, 'srv', 'cgi-bin', 'vcenter'), 0o755);
  const content = join(dir, 'tmp', 'containerd');
  mkdirSync(content);
  writeFileSync(join(content, 'README'), 'kiln stand-in: not a real containerd archive\n');
  mkdirSync(join(dir, 'srv', 'files', 'containerd'));
  const tar = spawnSync('tar', [
    '--mtime=@0',
    '--owner=0',
    '--group=0',
    '--numeric-owner',
    '-C',
    content,
    '-cf',
    join(dir, 'srv', 'files', 'containerd', CONTAINERD_TAR),
    'README',
  ]);
  if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
  rmSync(content, { recursive: true });
}

function builderRootfs(dir: string): void {
  baseRootfs(dir);
  mkdirSync(join(dir, 'home', 'imagebuilder'), { recursive: true });
  copyFileSync(join(STANDINS_DIR, 'image-builder', 'make.sh'), join(dir, 'usr', 'bin', 'make'));
  chmodSync(join(dir, 'usr', 'bin', 'make'), 0o755);
  // make.sh's OVA writer (a proper OVF and a real streamOptimized VMDK that govc/vcsim can import).
  copyFileSync(join(STANDINS_DIR, 'image-builder', 'write-ova.sh'), join(dir, 'usr', 'bin', 'write-ova'));
  chmodSync(join(dir, 'usr', 'bin', 'write-ova'), 0o755);
}

/** The real image-builder's user: its home and everything in it belong to imagebuilder (1000:1000). */
const BUILDER_HOME = './home/imagebuilder';

/**
 * A tar of the rootfs owned by root, except the builder's home (uid/gid 1000 like the real image), then
 * `docker import --change … - name`, without a shell.
 */
function dockerImport(dir: string, name: string, changes: string[]): Promise<void> {
  const archive = join(dir, '..', `${relative(join(dir, '..'), dir)}.tar`);
  const root = ['--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '-C', dir];
  const home = existsSync(join(dir, BUILDER_HOME));
  const first = spawnSync('tar', [...root, '--exclude', BUILDER_HOME, '-cf', archive, '.'], { encoding: 'utf8' });
  if (first.status !== 0) throw new Error(`tar failed: ${first.stderr}`);
  if (home) {
    const owned = spawnSync(
      'tar',
      ['--owner=1000', '--group=1000', '--numeric-owner', '--mtime=@0', '-C', dir, '-rf', archive, BUILDER_HOME],
      { encoding: 'utf8' },
    );
    if (owned.status !== 0) throw new Error(`tar failed: ${owned.stderr}`);
  }
  return new Promise((done, failed) => {
    const tar = spawn('cat', [archive], { stdio: ['ignore', 'pipe', 'pipe'] });
    const args = ['import', ...changes.flatMap((c) => ['--change', c]), '-', name];
    const imp = spawn('docker', args, { env: dockerEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let errors = '';
    tar.stderr.on('data', (d: Buffer) => (errors += d.toString()));
    imp.stderr.on('data', (d: Buffer) => (errors += d.toString()));
    imp.stdin.on('error', () => undefined); // docker import exiting early is reported by its exit code
    tar.stdout.pipe(imp.stdin);
    let tarCode: number | null = null;
    tar.on('error', failed);
    imp.on('error', failed);
    tar.on('close', (code) => (tarCode = code));
    imp.on('close', (code) => {
      if (code === 0 && tarCode === 0) done();
      else failed(new Error(`docker import ${name} failed (tar ${tarCode}, docker ${code}): ${errors.trim()}`));
    });
  });
}

/**
 * Builds the stand-in images under the given names; an image that already carries the current
 * stand-in digest is left alone. Returns the names built by this call.
 */
export async function buildStandinImages(request: StandinRequest): Promise<string[]> {
  const digest = standinDigest();
  const label = `LABEL ${STANDIN_LABEL}=${digest}`;
  const kinds: Array<{ names: string[]; rootfs: (dir: string) => void; changes: string[] }> = [
    {
      names: request.bundleImages,
      rootfs: bundleRootfs,
      changes: [
        label,
        `LABEL ${STANDIN_LABEL}.role=linux-resource-bundle`,
        'EXPOSE 3000',
        'CMD ["/bin/busybox","httpd","-f","-p","3000","-h","/srv"]',
      ],
    },
    {
      names: request.builderImages,
      rootfs: builderRootfs,
      changes: [
        label,
        `LABEL ${STANDIN_LABEL}.role=image-builder`,
        'ENV PATH=/usr/local/bin:/usr/bin:/bin',
        'ENV HOME=/home/imagebuilder',
        'USER imagebuilder',
        'WORKDIR /home/imagebuilder',
        'ENTRYPOINT ["/usr/bin/make"]',
      ],
    },
  ];
  const built: string[] = [];
  const work = mkdtempSync(join(tmpdir(), 'kiln-standins-'));
  try {
    for (const [i, kind] of kinds.entries()) {
      const missing = kind.names.filter((name) => labelOf(name) !== digest);
      if (missing.length === 0) continue;
      const dir = join(work, `rootfs-${i}`);
      kind.rootfs(dir);
      for (const name of missing) {
        const previous = docker(['image', 'inspect', '--format', '{{.Id}}', name]);
        await dockerImport(dir, name, kind.changes);
        // The outdated stand-in is now untagged; drop it (fails harmlessly while a container uses it).
        if (previous.code === 0) docker(['image', 'rm', previous.stdout.trim()]);
        built.push(name);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return built;
}

/** Builds (when needed) the stand-ins for every image the catalog names; returns the names built. */
export function ensureCatalogStandins(): Promise<string[]> {
  return buildStandinImages(catalogImageNames());
}
