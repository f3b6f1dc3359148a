// provenance.json: golden statements for a vSphere and an AWS build, and the rules behind their fields.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { stableJson } from '@kiln/render';
import { kilnErrorOf } from '@kiln/testing';
import { describe, expect, it } from 'vitest';
import { awsInput, digestOf, RELEASE_V230, vsphereInput } from '../test/provenance-inputs';
import { KILN_BUILD_TYPE, KILN_LOCAL_BUILDER_ID, provenanceJson, provenanceStatement } from './provenance-statement';
import { publishedObjectDigest } from './provenance-subjects';

const golden = join(__dirname, '..', 'fixtures', 'golden');

describe('provenanceJson', () => {
  it('matches the golden statement of a vSphere OVA build', async () => {
    await expect(provenanceJson(vsphereInput())).toMatchFileSnapshot(join(golden, 'provenance.vsphere.json'));
  });

  it('matches the golden statement of an AWS build copied to two regions', async () => {
    await expect(provenanceJson(awsInput())).toMatchFileSnapshot(join(golden, 'provenance.aws.json'));
  });

  it('is the same text whatever order the files and AMIs are given in', () => {
    const input = awsInput();
    const shuffled = {
      ...input,
      outputs: { amis: Object.fromEntries(Object.entries(input.outputs.amis!).reverse()) },
      bundleParts: [...input.bundleParts].reverse(),
    };
    expect(provenanceJson(shuffled)).toBe(provenanceJson(input));
  });
});

describe('provenanceStatement', () => {
  it('is an in-toto Statement v1 with a SLSA provenance v1 predicate of the Kiln build type', () => {
    const s = provenanceStatement(vsphereInput());
    expect([s._type, s.predicateType, s.predicate.buildDefinition.buildType]).toEqual([
      'https://in-toto.io/Statement/v1',
      'https://slsa.dev/provenance/v1',
      KILN_BUILD_TYPE,
    ]);
  });

  it("names the OVA by its file name and sha256 (artifact.json's ova)", () => {
    const input = vsphereInput();
    expect(provenanceStatement(input).subject).toEqual([
      { name: 'kiln-ubuntu-2004-vsphere-plan.ova', digest: { sha256: input.outputs.ova!.sha256 } },
    ]);
  });

  it('names each AMI by its id, with the sha256 of its canonical description (kind, region, id)', () => {
    const subjects = provenanceStatement(awsInput()).subject;
    const expected = createHash('sha256')
      .update('{\n  "id": "ami-0a1b2c3d4e5f60718",\n  "kind": "aws-ami",\n  "region": "us-east-1"\n}\n')
      .digest('hex');
    expect(subjects.map((s) => s.name)).toEqual(['ami-0a1b2c3d4e5f60718', 'ami-0f1e2d3c4b5a69788']);
    expect(subjects[0]!.digest.sha256).toBe(expected);
  });

  it('names the gallery image version by its id and the digest of its description', () => {
    const id =
      '/subscriptions/0000/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/g/images/capi-ubuntu-2004/versions/0.1.7';
    const s = provenanceStatement({ ...vsphereInput(), outputs: { sigImageVersionId: id } });
    expect(s.subject).toEqual([{ name: id, digest: { sha256: publishedObjectDigest({ kind: 'azure-sig-image-version', id }) } }]);
  });

  it('refuses a build with no output to describe', () => {
    expect(kilnErrorOf(() => provenanceStatement({ ...vsphereInput(), outputs: {} })).code).toBe('PROVENANCE_NO_SUBJECT');
  });

  it('records the git commit as a gitCommit digest and whether the tree was dirty', () => {
    const deps = provenanceStatement(awsInput()).predicate.buildDefinition.resolvedDependencies;
    expect(deps[0]).toEqual({
      name: 'source',
      uri: 'git+https://git.example.com/platform/images.git',
      digest: { gitCommit: 'f88d17b3c2a4e5d6f708192a3b4c5d6e7f809112' },
      annotations: { dirty: true },
    });
  });

  it('lists image.yaml, every rendered config file and bundle part by digest', () => {
    const input = vsphereInput();
    const names = provenanceStatement(input).predicate.buildDefinition.resolvedDependencies.map(
      (d) => `${d.name} ${JSON.stringify(d.digest)}`,
    );
    expect(names).toEqual(
      expect.arrayContaining([
        `images/ubuntu-2004-vsphere-plan/image.yaml {"sha256":"${digestOf('image.yaml')}"}`,
        ...input.renderedConfig.map((f) => `${f.path} {"sha256":"${f.sha256}"}`),
        ...input.bundleParts.map((f) => `${f.path} {"sha256":"${f.sha256}"}`),
      ]),
    );
  });

  it('records the release pins by the sha256 of their stable JSON, with the pins as annotations', () => {
    const deps = provenanceStatement(vsphereInput()).predicate.buildDefinition.resolvedDependencies;
    const sha256 = createHash('sha256').update(stableJson(RELEASE_V230)).digest('hex');
    expect(deps.find((d) => d.name === 'catalog/releases/v2.3.0')).toEqual({
      name: 'catalog/releases/v2.3.0',
      digest: { sha256 },
      annotations: { pins: RELEASE_V230 },
    });
  });

  it('records the builder and bundle images by the registry digest Docker reports', () => {
    const deps = provenanceStatement(vsphereInput()).predicate.buildDefinition.resolvedDependencies;
    expect(deps.slice(-2).map((d) => [d.name, d.digest.sha256, d.annotations?.role])).toEqual([
      [RELEASE_V230.images.builder, digestOf('builder-repo'), 'builder image'],
      [RELEASE_V230.images.bundle, digestOf('bundle-repo'), 'bundle image'],
    ]);
  });

  it('puts what image.yaml chose in externalParameters and what Kiln derived in internalParameters', () => {
    const { externalParameters, internalParameters } = provenanceStatement(vsphereInput()).predicate.buildDefinition;
    expect({ externalParameters, internalParameters }).toEqual({
      externalParameters: {
        image: 'ubuntu-2004-vsphere-plan',
        spec: 'images/ubuntu-2004-vsphere-plan/image.yaml',
        infra: 'vsphere',
        os: 'ubuntu-2004',
        release: 'v2.3.0',
        version: 'v1.26.5+vmware.1-myorg.0',
      },
      internalParameters: { makeTarget: 'build-node-ova-vsphere-ubuntu-2004', contentKey: digestOf('content') },
    });
  });

  it('records the Kiln version, the invocation and the start and finish times', () => {
    expect(provenanceStatement(vsphereInput()).predicate.runDetails).toEqual({
      builder: { id: KILN_LOCAL_BUILDER_ID, version: { kiln: '0.1.0' } },
      metadata: {
        invocationId: '0b0e9c4e-5f2a-4c55-9a0e-3d1f6f1f2a10',
        startedOn: '2024-05-01T10:00:00.000Z',
        finishedOn: '2024-05-01T10:42:17.000Z',
      },
    });
  });

  it('uses the builder id the caller names (e.g. a CI runner)', () => {
    expect(provenanceStatement(awsInput()).predicate.runDetails.builder.id).toBe('https://ci.example.com/runners/image-builds');
  });

  it('refuses a file digest that is not lowercase hex sha256', () => {
    const input = vsphereInput();
    const e = kilnErrorOf(() => provenanceStatement({ ...input, imageSpec: { ...input.imageSpec, sha256: 'sha256:abc' } }));
    expect([e.code, e.message]).toEqual([
      'PROVENANCE_INPUT',
      'the sha256 of images/ubuntu-2004-vsphere-plan/image.yaml is not a lowercase hex digest: "sha256:abc"',
    ]);
  });

  it('refuses a git commit that is not a full hex object name', () => {
    const e = kilnErrorOf(() => provenanceStatement({ ...vsphereInput(), source: { commit: 'f88d17b', dirty: false } }));
    expect(e.message).toBe('the git commit is not a lowercase hex digest: "f88d17b"');
  });
});
