import { beforeEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '@kiln/catalog';
import { formatPlan } from '../shared/plan-record';
import { planVerify } from './plan-verify';
import { TestWorkspace } from '../../test/tkr-cluster-test-workspace';

const catalog = loadCatalog();
const TKR = 'v1.26.5---vmware.2-tkg.1-myorg';
let ws: TestWorkspace;
beforeEach(() => {
  ws = new TestWorkspace();
});

const commands = (project: string, kind: 'image' | 'tkr' | 'cluster') =>
  formatPlan(planVerify(ws.root, project, kind, catalog))
    .split('\n')
    .filter((l) => l.startsWith('  $ '));

describe('planVerify (-c plan: every call verify would make, none made)', () => {
  it('vSphere image: govc vm.info of the template', () => {
    expect(commands('ubuntu-2004-vsphere-class', 'image')).toEqual([
      '  $ govc vm.info -json /dc0/vm/tkg-templates/ubuntu-2004-kube-v1.26.5-class    # the template published.json names: exists, is a template, annotation kiln-content-key = the published content key',
    ]);
  });

  it("AWS image: per declared region, describe-images, the launch permissions and each snapshot's createVolume permissions; nothing that modifies", () => {
    const lines = commands('ubuntu-2004-aws-cis', 'image');
    expect(lines.map((l) => l.replace(/ {4}# .*$/, ''))).toEqual(
      ['us-east-1', 'us-west-2'].flatMap((r) => [
        `  $ aws ec2 describe-images --image-ids '<ami-id>' --region ${r} --output json`,
        `  $ aws ec2 describe-image-attribute --image-id '<ami-id>' --attribute launchPermission --region ${r} --output json`,
        `  $ aws ec2 describe-snapshot-attribute --snapshot-id '<snapshot-id>' --attribute createVolumePermission --region ${r} --output json`,
      ]),
    );
    expect(lines[1]).toMatch(/# launch permissions: exactly 123456789012, never group all$/);
  });

  it('Azure image: az sig image-version show, with the regions it must be replicated to', () => {
    expect(commands('ubuntu-2004-azure-fips', 'image')).toEqual([
      "  $ az sig image-version show --subscription 00000000-0000-4000-8000-000000000001 --resource-group tkg-images --gallery-name tkg_gallery --gallery-image-definition capi-ubuntu-2004 --gallery-image-version '<version>' -o json    # exists, Succeeded, tags kiln:image, kiln:version, kiln:kubernetes, kiln:content-key, target regions include westeurope, northeurope",
    ]);
  });

  it('tkr: the TKr and its OSImages on the management cluster, and the template of its vSphere image', () => {
    expect(commands('custom', 'tkr')).toEqual([
      `  $ kubectl --context mgmt-admin@mgmt get tkr ${TKR} -o json    # exists, Ready=True and Compatible=True`,
      "  $ kubectl --context mgmt-admin@mgmt get osimages '<OSImages of the TKr>' -o json    # exactly the images of the BoM gen-bom renders now from tkrs/custom/tkr-bom-v1.26.5+vmware.2-tkg.1.yaml and the images' published.json",
      `  $ govc vm.info -json /dc0/vm/tkg-templates/ubuntu-2004-kube-v1.26.5-class    # the template of ubuntu-2004-vsphere-class's OVA VERSION exists (else clusters fail with "unable to find VM Template associated with OVA Version <VERSION>")`,
    ]);
  });

  it("cluster on a TKr: the TKr; cluster on an image: only whether the image's published objects exist", () => {
    ws.write('clusters/w/cluster.yaml', 'base: ../shared/vsphere-mgmt.yaml\nname: workload-1\ntkr: custom\n');
    ws.write('clusters/a/cluster.yaml', 'base: ../shared/vsphere-mgmt.yaml\nname: workload-aws\nimage: ubuntu-2004-aws-cis\n');
    expect([commands('w', 'cluster'), commands('a', 'cluster').map((l) => l.replace(/ --output json.*$/, ''))]).toEqual([
      [`  $ kubectl --context mgmt-admin@mgmt get tkr ${TKR} -o json    # exists and is Ready`],
      [
        "  $ aws ec2 describe-images --image-ids '<ami-id>' --region us-east-1",
        "  $ aws ec2 describe-images --image-ids '<ami-id>' --region us-west-2",
      ],
    ]);
  });

  it('names the target, the project and where findings.json goes, and needs no published record', () => {
    const plan = planVerify(ws.root, 'ubuntu-2004-vsphere-class', 'image', catalog);
    expect([plan.target, plan.project, plan.summary]).toEqual([
      'verify',
      'ubuntu-2004-vsphere-class',
      'check that what upload published for ubuntu-2004-vsphere-class is still there as image.yaml declares it; read-only calls, one line per finding, findings → dist/verify/images/ubuntu-2004-vsphere-class/findings.json',
    ]);
  });
});
