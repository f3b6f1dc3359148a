// vSphere upload of a build record that came from the shared Nx cache while the OVA stayed on the runner that built
// it (artifact.json present, OVA absent): upload finds the template in vCenter by content key and VERSION, or stops
// with a clear message telling how to rebuild; it never imports or publishes anything silently. govc fake on PATH
// (test/fakes, as in upload.e2e.spec.ts), with its own vCenter state.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatError } from '@kiln/errors';
import { uploadStep } from '@kiln/steps';
import {
  Capture,
  copySampleImage,
  createUploadWorkspace,
  key,
  OVA_VERSION,
  pathWithFakes,
  readLog,
  writeArtifact,
  writeOva,
  type UploadWorkspace,
} from './support/upload-fixtures';

const IMAGE = 'ubuntu-2004-vsphere-class';
const TEMPLATE = '/dc0/vm/tkg-templates/ubuntu-2004-kube-v1.26.5-class';
const OVA = `dist/images/${IMAGE}/output/ubuntu-2004-kube-v1.26.5+vmware.2/ubuntu-2004-kube-v1.26.5.ova`;
const KEY = key('vsphere build from another runner');
const PASSWORD = 'S3cret-vsphere-pw';

let ws: UploadWorkspace;

const env = (): NodeJS.ProcessEnv => ({
  PATH: pathWithFakes(),
  FAKE_GOVC_STATE: ws.state,
  FAKE_GOVC_LOG: ws.govcLog,
  FAKE_GOVC_PASSWORD: PASSWORD,
  VSPHERE_SERVER: 'vcenter.example.com',
  VSPHERE_USERNAME: 'administrator@vsphere.local',
  VSPHERE_PASSWORD: PASSWORD,
});
const calls = () =>
  readLog<{ argv?: string[] }>(ws.govcLog)
    .filter((c) => c.argv)
    .map((c) => c.argv);

function seedVm(contentKey: string, version: string): void {
  writeFileSync(
    join(ws.state, 'vms.json'),
    JSON.stringify({
      [TEMPLATE]: {
        name: 'ubuntu-2004-kube-v1.26.5-class',
        path: TEMPLATE,
        moref: 'vm-1001',
        template: true,
        annotation: `Cluster API vSphere image\nKiln image ${IMAGE}\nkiln-content-key=${contentKey}`,
        properties: [
          { key: 'DISTRO_NAME', value: 'ubuntu' },
          { key: 'VERSION', value: version },
        ],
        product: 'ubuntu-2004-kube-v1.26.5+vmware.1 distro_name=ubuntu distro_version=20.04',
      },
    }),
  );
}

async function uploadError(): Promise<string> {
  try {
    await uploadStep({ workspaceRoot: ws.root, project: IMAGE, replace: false, echo: new Capture(), env: env() });
  } catch (e) {
    return formatError(e);
  }
  throw new Error('upload succeeded but was expected to fail');
}

describe('vSphere upload with a build record from the cache and no OVA on this runner', () => {
  beforeEach(() => {
    ws = createUploadWorkspace();
    copySampleImage(ws, IMAGE);
    // The build record as the runner that built the image wrote it, then the OVA is not here (Nx caches only artifact.json).
    writeOva(ws, OVA, OVA_VERSION);
    writeArtifact(ws, { image: IMAGE, infra: 'vsphere', contentKey: KEY, version: OVA_VERSION, ova: OVA });
    rmSync(join(ws.root, `dist/images/${IMAGE}/output`), { recursive: true, force: true });
  });
  afterEach(() => ws.dispose());

  it('publishes the template vCenter already holds for this content key and VERSION, importing nothing', async () => {
    seedVm(KEY, OVA_VERSION);
    const echo = new Capture();
    await uploadStep({ workspaceRoot: ws.root, project: IMAGE, replace: false, echo, env: env() });
    expect(calls()).toEqual([['vm.info', '-json', TEMPLATE]]);
    expect(echo.text).toContain(
      `no OVA on this runner (the build record came from the cache): template ${TEMPLATE} already holds this build (VERSION ${OVA_VERSION}, content key ${KEY.slice(0, 12)}): nothing to import`,
    );
    expect(JSON.parse(ws.read(`dist/images/${IMAGE}/upload/published.json`)).vsphere).toEqual({
      templateName: 'ubuntu-2004-kube-v1.26.5-class',
      templatePath: TEMPLATE,
    });
  });

  it('stops with how to rebuild when vCenter has no template for this build', async () => {
    expect(await uploadError()).toBe(
      `the build record of ${IMAGE} (content key ${KEY.slice(0, 12)}) came from the Nx cache, but its OVA ${OVA} is not on this runner, and vCenter does not hold this build: there is no VM at ${TEMPLATE}\n` +
        `  hint: rebuild on this runner with nx run ${IMAGE}:build --skip-nx-cache, then run nx run ${IMAGE}:upload again (or run upload on the runner that built it)`,
    );
    expect(calls()).toEqual([['vm.info', '-json', TEMPLATE]]);
    expect(ws.exists(`dist/images/${IMAGE}/upload/published.json`)).toBe(false);
  });

  it('stops, and does not touch it, when the template holds another build', async () => {
    const other = key('an older build');
    seedVm(other, 'v1.26.5+vmware.1-myorg.0');
    expect((await uploadError()).split('\n')[0]).toBe(
      `the build record of ${IMAGE} (content key ${KEY.slice(0, 12)}) came from the Nx cache, but its OVA ${OVA} is not on this runner, and vCenter does not hold this build: ${TEMPLATE} holds other content (VERSION v1.26.5+vmware.1-myorg.0, content key ${other.slice(0, 12)})`,
    );
    expect(calls()).toEqual([['vm.info', '-json', TEMPLATE]]);
    expect(ws.exists(`dist/images/${IMAGE}/upload/published.json`)).toBe(false);
  });
});
