// Fixtures for the upload tests: a small workspace (image.yaml + a hand-written artifact.json, a real .ova for
// vSphere), the fakes folder on PATH, the fakes' state and call logs, and a stream that captures output.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { REPO_ROOT } from './temp-workspace';

export const FAKES_DIR = join(REPO_ROOT, 'test', 'fakes');
export const OVA_VERSION = 'v1.26.5+vmware.1-tkg.1-765d418b72c247c2310384e640ee075e';

/** A deterministic 64-hex content key per label. */
export function key(label: string): string {
  return createHash('sha256').update(label).digest('hex');
}

export class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

export interface UploadWorkspace {
  root: string;
  /** Fakes' state folder and call logs. */
  state: string;
  govcLog: string;
  azLog: string;
  write(rel: string, content: string): void;
  read(rel: string): string;
  exists(rel: string): boolean;
  dispose(): void;
}

/** A fresh temporary workspace, or (with `root`) the same helpers over an existing folder, fakes' state under it. */
export function createUploadWorkspace(existingRoot?: string): UploadWorkspace {
  const root = existingRoot ?? mkdtempSync(join(tmpdir(), 'kiln-upload-'));
  const state = join(root, '.fakes');
  mkdirSync(state, { recursive: true });
  return {
    root,
    state,
    govcLog: join(state, 'govc.log'),
    azLog: join(state, 'az.log'),
    write(rel, content) {
      mkdirSync(dirname(join(root, rel)), { recursive: true });
      writeFileSync(join(root, rel), content);
    },
    read: (rel) => readFileSync(join(root, rel), 'utf8'),
    exists: (rel) => existsSync(join(root, rel)),
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Copies a sample image.yaml from the repository's catalog into the workspace. */
export function copySampleImage(ws: UploadWorkspace, image: string): void {
  ws.write(`images/${image}/image.yaml`, readFileSync(join(REPO_ROOT, 'images', image, 'image.yaml'), 'utf8'));
}

/** The .ovf of an image-builder OVA in miniature: one network (nic0), an annotation, the VERSION property. */
export function ovfDescriptor(name: string, version: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:vmw="http://www.vmware.com/schema/ovf">
  <References>
    <File ovf:href="${name}-disk1.vmdk" ovf:id="file1" ovf:size="512"/>
  </References>
  <NetworkSection>
    <Info>The list of logical networks</Info>
    <Network ovf:name="nic0">
      <Description>Please select a network</Description>
    </Network>
  </NetworkSection>
  <VirtualSystem ovf:id="${name}">
    <Info>A virtual machine</Info>
    <Name>${name}</Name>
    <AnnotationSection>
      <Info>A human-readable annotation</Info>
      <Annotation>Cluster API vSphere image</Annotation>
    </AnnotationSection>
    <ProductSection>
      <Info>Information about the installed software</Info>
      <Product>ubuntu-2004-kube-v1.26.5+vmware.1 distro_name=ubuntu distro_version=20.04</Product>
      <Property ovf:key="DISTRO_NAME" ovf:type="string" ovf:userConfigurable="false" ovf:value="ubuntu"/>
      <Property ovf:userConfigurable="false" ovf:value="${version}" ovf:type="string" ovf:key="VERSION"/>
    </ProductSection>
  </VirtualSystem>
</Envelope>
`;
}

/** Writes a real (tiny) OVA with the system tar: .ovf first, then the manifest and the disk. Returns its path. */
export function writeOva(ws: UploadWorkspace, rel: string, version: string): string {
  const name = rel
    .split('/')
    .pop()!
    .replace(/\.ova$/, '');
  const staging = mkdtempSync(join(tmpdir(), 'kiln-ova-'));
  const ovf = ovfDescriptor(name, version);
  const disk = Buffer.alloc(512, 7);
  const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');
  writeFileSync(join(staging, `${name}.ovf`), ovf);
  writeFileSync(join(staging, `${name}-disk1.vmdk`), disk);
  writeFileSync(join(staging, `${name}.mf`), `SHA256(${name}.ovf)= ${sha(ovf)}\nSHA256(${name}-disk1.vmdk)= ${sha(disk)}\n`);
  mkdirSync(dirname(join(ws.root, rel)), { recursive: true });
  const r = spawnSync('tar', ['-cf', join(ws.root, rel), '-C', staging, `${name}.ovf`, `${name}.mf`, `${name}-disk1.vmdk`], {
    encoding: 'utf8',
  });
  rmSync(staging, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`tar failed: ${r.stderr}`);
  return rel;
}

export interface ArtifactInit {
  image: string;
  infra: 'vsphere' | 'aws' | 'azure';
  os?: string;
  contentKey: string;
  version?: string;
  ova?: string;
  amis?: Record<string, string>;
  sigImageVersionId?: string;
}

/** Writes dist/images/<image>/build/artifact.json as the build target would. */
export function writeArtifact(ws: UploadWorkspace, a: ArtifactInit): void {
  const ova = a.ova
    ? {
        path: a.ova,
        sha256: createHash('sha256')
          .update(readFileSync(join(ws.root, a.ova)))
          .digest('hex'),
        size: statSync(join(ws.root, a.ova)).size,
      }
    : undefined;
  const record = {
    image: a.image,
    infra: a.infra,
    os: a.os ?? 'ubuntu-2004',
    release: 'v2.3.0',
    version: a.version,
    builderImage: 'projects.registry.vmware.com/tkg/image-builder:v0.1.13_vmware.2',
    bundleImage: 'projects.registry.vmware.com/tkg/linux-resource-bundle:v1.26.5_vmware.1-tkg.1',
    makeTarget: 'build-node-ova-vsphere-ubuntu-2004',
    contentKey: a.contentKey,
    ova,
    amis: a.amis,
    sigImageVersionId: a.sigImageVersionId,
    builtAt: '2024-05-01T10:00:00.000Z',
  };
  ws.write(`dist/images/${a.image}/build/artifact.json`, JSON.stringify(record, null, 2) + '\n');
}

/** A 40-hex git commit per label. */
export function commitOf(label: string): string {
  return createHash('sha1').update(label).digest('hex');
}

/**
 * Writes dist/images/<image>/build/provenance.json as the build does: an in-toto statement whose SLSA predicate names
 * the git source among its resolved dependencies (digest.gitCommit, annotations.dirty).
 */
export function writeProvenance(ws: UploadWorkspace, image: string, commit: string, dirty = false): void {
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: `${image}.ova`, digest: { sha256: 'ab'.repeat(32) } }],
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: {
      buildDefinition: {
        buildType: 'urn:kiln:build-type:image-builder:v1',
        externalParameters: { image, spec: `images/${image}/image.yaml` },
        resolvedDependencies: [
          { name: 'source', digest: { gitCommit: commit }, annotations: { dirty } },
          { name: `images/${image}/image.yaml`, digest: { sha256: 'cd'.repeat(32) } },
        ],
      },
      runDetails: { builder: { id: 'urn:kiln:builder:local' }, metadata: { invocationId: 'test' } },
    },
  };
  ws.write(`dist/images/${image}/build/provenance.json`, JSON.stringify(statement, null, 2) + '\n');
}

/** Appends `revoked: { reason, at }` to images/<image>/image.yaml; returns the text before, to restore it. */
export function revokeImage(ws: UploadWorkspace, image: string, reason: string, at: string): string {
  const file = `images/${image}/image.yaml`;
  const before = ws.read(file);
  ws.write(file, `${before}revoked:\n  reason: ${JSON.stringify(reason)}\n  at: ${at}\n`);
  return before;
}

/** Parsed JSON lines of a fake's call log ([] when it was never called). */
export function readLog<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

/** PATH with the fakes first (govc, az), then the test process's PATH (node, tar, aws). */
export function pathWithFakes(): string {
  return `${FAKES_DIR}:${process.env.PATH ?? ''}`;
}
