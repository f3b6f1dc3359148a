// planUpload of a revoked image: the lifecycle commands a revoked upload runs, and nothing that publishes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '@kiln/catalog';
import { loadImageSpec } from '@kiln/schema';
import { repoRoot } from '@kiln/testing';
import { formatPlan } from '../shared/plan-record';
import { planUpload, type UploadPlanInput } from './plan-upload';

const NOW = Date.parse('2026-03-01T00:00:00Z');
const KEY = 'c'.repeat(64);
const REVOKED = { reason: 'CVE-2026-0001 in the kernel', at: '2026-02-20' };

function input(image: string, revoked?: UploadPlanInput['revoked']): UploadPlanInput {
  const plan = JSON.parse(readFileSync(join(repoRoot, 'libs/steps/golden', image, 'build-plan.json'), 'utf8')) as UploadPlanInput['plan'];
  const { spec } = loadImageSpec(
    `images/${image}/image.yaml`,
    readFileSync(join(repoRoot, 'images', image, 'image.yaml'), 'utf8'),
    loadCatalog(),
  );
  return { project: image, plan, upload: spec.upload, contentKey: KEY, revoked, now: NOW };
}

const commands = (i: UploadPlanInput) => planUpload(i).commands.map((c) => c.argv.join(' '));

describe('planUpload of a revoked image', () => {
  it('AWS: describe, enable-image-deprecation and the kiln:revoked tag for the AMI of every region, nothing else', () => {
    expect(commands(input('ubuntu-2004-aws-cis', REVOKED)).map((c) => c.replace(/ --output json$/, ''))).toEqual(
      ['us-east-1', 'us-west-2'].flatMap((r) => [
        `aws ec2 describe-images --image-ids <ami-id> --region ${r}`,
        `aws ec2 enable-image-deprecation --image-id <ami-id> --deprecate-at <next-minute> --region ${r}`,
        `aws ec2 create-tags --resources <ami-id> --tags [{"Key":"kiln:revoked","Value":"2026-02-20"}] --region ${r}`,
      ]),
    );
  });

  it('Azure: show, then exclude from latest with the kiln:revoked tag (no --force-string: excludeFromLatest is a boolean)', () => {
    const ref =
      '--subscription 00000000-0000-4000-8000-000000000001 --resource-group tkg-images --gallery-name tkg_gallery --gallery-image-definition capi-ubuntu-2004 --gallery-image-version <version>';
    expect(commands(input('ubuntu-2004-azure-fips', REVOKED))).toEqual([
      `az sig image-version show ${ref} -o json`,
      `az sig image-version update ${ref} --set publishingProfile.excludeFromLatest=true tags.kiln:revoked="2026-02-20" -o json`,
    ]);
  });

  it('vSphere: vm.info, then the template annotated with the kiln-revoked line', () => {
    const T = '/dc0/vm/tkg-templates/ubuntu-2004-kube-v1.26.5-class';
    expect(commands(input('ubuntu-2004-vsphere-class', REVOKED))).toEqual([
      `govc vm.info -json ${T}`,
      `govc vm.change -vm ${T} -annotation <its annotation>\nkiln-revoked=2026-02-20 CVE-2026-0001 in the kernel`,
    ]);
  });

  it('says what the plan is: the revocation, published.json, nothing published', () => {
    expect(
      formatPlan(planUpload(input('ubuntu-2004-aws-cis', REVOKED)))
        .split('\n')
        .slice(0, 2),
    ).toEqual([
      '[plan] upload ubuntu-2004-aws-cis',
      "  ubuntu-2004-aws-cis is revoked since 2026-02-20 (CVE-2026-0001 in the kernel): apply the cloud's lifecycle to what dist/images/ubuntu-2004-aws-cis/upload/published.json lists, publish nothing, and record it there",
    ]);
  });

  it('is the normal upload plan while the revocation date has not come', () => {
    expect(planUpload(input('ubuntu-2004-aws-cis', { ...REVOKED, at: '2026-03-02' })).summary).toMatch(/^publish the aws artifact/);
  });
});
