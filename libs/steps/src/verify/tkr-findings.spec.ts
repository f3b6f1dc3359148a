import { describe, expect, it } from 'vitest';
import { parseVmInfo } from '../upload/vsphere/upload-vsphere';
import type { OSImageObject } from '../gen-bom/tkr-bom-images';
import { conditionFindings, describeImage, osImageFindings, revokedFindings, type OsImageExpectation } from './tkr-findings';
import { parseTkr } from './tkr-reader';

const TKR = 'v1.26.5---vmware.2-tkg.1-myorg';
const UBUNTU = 'v1.26.5+vmware.1-tkg.1-765d418b72c247c2310384e640ee075e';
const PHOTON = 'v1.26.5+vmware.1-tkg.1-4b8cc2d3ee2bb3f2ab37a6bcb86b7bc9';
const TEMPLATE = '/dc0/vm/tkg-templates/ubuntu-2004-kube-v1.26.5-class';
const TEMPLATE_INFO = JSON.stringify({
  virtualMachines: [{ name: 'ubuntu-2004-kube-v1.26.5-class', config: { template: true, annotation: 'kiln-content-key=x' } }],
});

/** `kubectl get tkr -o json` output as the TKr controller leaves it. */
function tkrJson(conditions: Array<Record<string, string>>, osImages = ['os-ubuntu', 'os-photon', 'os-ami']): string {
  return JSON.stringify({
    apiVersion: 'run.tanzu.vmware.com/v1alpha3',
    kind: 'TanzuKubernetesRelease',
    metadata: { name: TKR },
    spec: { version: 'v1.26.5+vmware.2-tkg.1-myorg', osImages: osImages.map((name) => ({ name })) },
    status: { conditions: conditions.map((c) => ({ lastTransitionTime: '2024-05-01T10:00:00Z', ...c })) },
  });
}

function osImage(name: string, type: 'ova' | 'ami', ref: Record<string, string>): OSImageObject {
  return { metadata: { name }, spec: { image: { type, ref } } };
}

const ubuntu = (version = UBUNTU) => osImage('os-ubuntu', 'ova', { name: 'ova-ubuntu-2004', version });
const photon = osImage('os-photon', 'ova', { name: 'ova-photon-3', version: PHOTON });
const amiEast = osImage('os-ami', 'ami', { id: 'ami-0aaaaaaaaaaaaaaa1', region: 'us-east-1' });

/** The TKr Kiln would register: the class-based Ubuntu OVA (replacing the base BoM's), the base Photon OVA, one AMI. */
function expectation(templateInfo = TEMPLATE_INFO): OsImageExpectation {
  return {
    images: [`ami us-east-1 ami-0aaaaaaaaaaaaaaa1`, `ova ${PHOTON}`, `ova ${UBUNTU}`],
    owners: new Map([
      [`ova ${UBUNTU}`, 'ubuntu-2004-vsphere-class'],
      ['ami us-east-1 ami-0aaaaaaaaaaaaaaa1', 'ubuntu-2004-aws-cis'],
    ]),
    templates: new Map([[UBUNTU, { image: 'ubuntu-2004-vsphere-class', path: TEMPLATE, facts: parseVmInfo(templateInfo) }]]),
  };
}

describe('conditionFindings', () => {
  it('a TKr that is Ready and Compatible has no finding', () => {
    expect(
      conditionFindings(
        TKR,
        parseTkr(
          tkrJson([
            { type: 'Compatible', status: 'True' },
            { type: 'Ready', status: 'True' },
          ]),
        ),
      ),
    ).toEqual([]);
  });

  it('a TKr that is not Ready names the reason and message the controller gave', () => {
    const facts = parseTkr(
      tkrJson([
        { type: 'Compatible', status: 'True' },
        { type: 'Ready', status: 'False', reason: 'WaitingForOSImages', message: 'OSImages are being resolved' },
      ]),
    );
    expect(conditionFindings(TKR, facts)).toEqual([
      { kind: 'tkr-not-ready', message: `TKr ${TKR} is not Ready: Ready=False (WaitingForOSImages: OSImages are being resolved)` },
    ]);
  });

  it('an incompatible TKr, and one with no conditions yet, are named', () => {
    expect([
      conditionFindings(
        TKR,
        parseTkr(
          tkrJson([
            { type: 'Compatible', status: 'False', reason: 'NotCompatible' },
            { type: 'Ready', status: 'False' },
          ]),
        ),
      ).map((f) => f.kind),
      conditionFindings(TKR, parseTkr(tkrJson([]))).map((f) => f.message),
    ]).toEqual([
      ['tkr-not-compatible', 'tkr-not-ready'],
      [`TKr ${TKR} is not Compatible: Compatible not reported`, `TKr ${TKR} is not Ready: Ready not reported`],
    ]);
  });
});

describe('osImageFindings', () => {
  const listed = parseTkr(tkrJson([])).osImageNames;

  it('exactly the expected images, the Kiln OVA VERSION with its template: no finding', () => {
    expect(osImageFindings(TKR, listed, [ubuntu(), photon, amiEast], expectation())).toEqual([]);
  });

  it('an OSImage pointing at an OVA VERSION no published template has: the TKG failure, and the published image it lacks', () => {
    const missing = 'v1.26.5+vmware.1-tkg.1-ffffffffffffffffffffffffffffffff';
    expect(osImageFindings(TKR, listed, [ubuntu(missing), photon, amiEast], expectation())).toEqual([
      {
        kind: 'tkr-image-missing',
        message: `TKr ${TKR} has no OSImage for OVA VERSION ${UBUNTU} (published by image ubuntu-2004-vsphere-class)`,
      },
      {
        kind: 'osimage-no-template',
        message: `OSImage os-ubuntu points at OVA VERSION ${missing}, which no published template has: clusters on TKr ${TKR} fail with "unable to find VM Template associated with OVA Version ${missing}"`,
      },
    ]);
  });

  it('the template of a Kiln OVA VERSION gone from vCenter (govc: no VMs)', () => {
    expect(osImageFindings(TKR, listed, [ubuntu(), photon, amiEast], expectation('{"virtualMachines": null}'))).toEqual([
      {
        kind: 'osimage-no-template',
        message: `OSImage os-ubuntu (OVA VERSION ${UBUNTU}): template ${TEMPLATE} of image ubuntu-2004-vsphere-class does not exist in vCenter: clusters on TKr ${TKR} fail with "unable to find VM Template associated with OVA Version ${UBUNTU}"`,
      },
    ]);
  });

  it('an OSImage the TKr lists that does not exist, and a base BoM image the TKr lacks', () => {
    expect(osImageFindings(TKR, listed, [ubuntu(), amiEast], expectation())).toEqual([
      { kind: 'osimage-missing', message: `OSImage os-photon listed by TKr ${TKR} does not exist` },
      { kind: 'tkr-image-missing', message: `TKr ${TKR} has no OSImage for OVA VERSION ${PHOTON} (from the base BoM)` },
    ]);
  });

  it('an AMI OSImage with an id nothing published is unexpected', () => {
    const other = osImage('os-ami', 'ami', { id: 'ami-0bbbbbbbbbbbbbbb1', region: 'us-east-1' });
    expect(osImageFindings(TKR, listed, [ubuntu(), photon, other], expectation())).toEqual([
      {
        kind: 'tkr-image-missing',
        message: `TKr ${TKR} has no OSImage for AMI ami-0aaaaaaaaaaaaaaa1 in us-east-1 (published by image ubuntu-2004-aws-cis)`,
      },
      {
        kind: 'osimage-unexpected',
        message: 'OSImage os-ami names AMI ami-0bbbbbbbbbbbbbbb1 in us-east-1, which neither a published image nor the base BoM has',
      },
    ]);
  });

  it('without the expected images (an image is unpublished) only the templates are checked', () => {
    expect(
      osImageFindings(TKR, listed, [ubuntu('v-other'), photon, amiEast], {
        ...expectation('{"virtualMachines": null}'),
        images: undefined,
      }),
    ).toEqual([]);
  });
});

describe('revokedFindings and describeImage', () => {
  it('one revoked finding per image with a revocation in force, none for the others', () => {
    expect(
      revokedFindings('lists', [{ name: 'a', revoked: { reason: 'CVE-2026-0001 in the kernel', at: '2026-02-01' } }, { name: 'b' }]),
    ).toEqual([{ kind: 'revoked', message: 'lists image a, which is revoked since 2026-02-01 (CVE-2026-0001 in the kernel)' }]);
  });

  it('describes the image forms of tkr-bom-images.ts for people', () => {
    expect([describeImage('ova v1'), describeImage('ami eu-west-1 ami-1'), describeImage('azure g/capi-ubuntu-2004 0.0.7')]).toEqual([
      'OVA VERSION v1',
      'AMI ami-1 in eu-west-1',
      'Azure image g/capi-ubuntu-2004 version 0.0.7',
    ]);
  });
});
