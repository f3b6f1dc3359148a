// Plan record for verify: every read-only call verify makes for an image, tkr or cluster, with placeholders for the
// ids only published.json and the management cluster know. Plan mode makes no call.
import type { Catalog } from '@kiln/catalog';
import { azureImageDefinition } from '@kiln/render';
import { loadClusterSpec, readWorkspaceFile, verifyDist, type KilnImage } from '@kiln/schema';
import { DEFAULT_TKR_NAMESPACE } from '../apply-tkr/apply-tkr-step';
import type { PlannedCommand, PlanRecord } from '../shared/plan-record';
import { publishedFile } from '../shared/published-record';
import { AWS_ENDPOINT_ENV } from '../upload/aws/upload-aws';
import { azArgs } from '../upload/azure/upload-azure';
import { govcArgs } from '../upload/vsphere/upload-vsphere';
import { templatePath } from '../upload/vsphere/template-path';
import { amiCalls } from './aws-reader';
import { PROJECT_FOLDERS, type ProjectKind } from './findings';
import { noTemplateFailure } from './tkr-findings';
import { clusterSpecPath } from './verify-cluster';
import { loadImage } from './verify-image';
import { tkrIdentity } from './verify-tkr';

type Steps = { commands: PlannedCommand[]; notes: string[] };

const KILN_TAGS = 'kiln:image, kiln:version, kiln:kubernetes, kiln:content-key';

/** The calls of one image's check; `presence` only asks whether the published objects exist (a cluster's check). */
function imageSteps(name: string, spec: KilnImage, depth: 'full' | 'presence'): Steps {
  const full = depth === 'full';
  const published = publishedFile(name);
  const notes = [
    `reads ${published} (what upload published); an image never published is a finding, with no call`,
    ...(full
      ? [
          "while image.yaml revokes the image, each object must carry the cloud's lifecycle (AMI deprecated, version excluded from latest, template annotated kiln-revoked=); once it no longer does, not Kiln's mark",
        ]
      : []),
  ];
  if (spec.infra === 'vsphere' && spec.upload.vsphere) {
    const path = templatePath(spec.upload.vsphere);
    return {
      commands: [
        {
          argv: ['govc', ...govcArgs.vmInfo(path)],
          when: full
            ? 'the template published.json names: exists, is a template, annotation kiln-content-key = the published content key'
            : 'the template exists',
        },
      ],
      notes: [
        ...notes,
        'the template path is the one published.json names (image.yaml declares the one shown; another one is a finding)',
        'govc reads GOVC_URL, GOVC_USERNAME, GOVC_PASSWORD from the environment (else VSPHERE_*), never from argv; a private GOVMOMI_HOME, no persisted session',
      ],
    };
  }
  if (spec.infra === 'aws' && spec.upload.aws) {
    const up = spec.upload.aws;
    const accounts = [...new Set(up.shareWithAccounts ?? [])].sort();
    const commands: PlannedCommand[] = [];
    for (const region of [...new Set([up.region, ...(up.copyToRegions ?? [])])].sort()) {
      const [describe, launch, volume] = amiCalls(region, '<ami-id>', ['<snapshot-id>']);
      commands.push({
        argv: describe!,
        when: full
          ? `the AMI published.json names in ${region}: exists, available, tags ${KILN_TAGS}`
          : `the AMI published.json names in ${region} exists and is available`,
      });
      if (full) {
        const shared = accounts.length ? `exactly ${accounts.join(', ')}` : 'no account (private)';
        commands.push(
          { argv: launch!, when: `launch permissions: ${shared}, never group all` },
          { argv: volume!, when: `per snapshot of the AMI: createVolumePermission ${shared}, never group all` },
        );
      }
    }
    return {
      commands,
      notes: [
        ...notes,
        `<ami-id> = aws.amis.<region> in ${published} (an AMI published in a region image.yaml no longer declares is a finding and is checked too)`,
        `with ${AWS_ENDPOINT_ENV} set, every call also gets --endpoint-url <that url>`,
        'credentials: the aws CLI configuration (~/.aws or AWS_* environment variables), never argv',
      ],
    };
  }
  const up = spec.upload.azure!;
  const ref = {
    subscriptionId: up.subscriptionId,
    resourceGroup: up.resourceGroup,
    gallery: up.gallery,
    imageName: azureImageDefinition(spec.os),
    version: '<version>',
  };
  const regions = [up.location, ...(up.replicationRegions ?? [])].join(', ');
  return {
    commands: [
      {
        argv: ['az', ...azArgs.show(ref)],
        when: full ? `exists, Succeeded, tags ${KILN_TAGS}, target regions include ${regions}` : 'exists and is Succeeded',
      },
    ],
    notes: [...notes, `<version> = azure.version in ${published}`, 'credentials: the az CLI login (az login), never argv'],
  };
}

function planRecord(project: string, kind: ProjectKind, summary: string, steps: Steps): PlanRecord {
  const file = `${verifyDist(PROJECT_FOLDERS[kind], project)}/findings.json`;
  return {
    target: 'verify',
    project,
    summary: `${summary}; read-only calls, one line per finding, findings → ${file}`,
    commands: steps.commands,
    notes: [...steps.notes, 'not cached; exits non-zero when it finds drift'],
  };
}

export function planVerify(workspaceRoot: string, project: string, kind: ProjectKind, catalog: Catalog): PlanRecord {
  if (kind === 'image') {
    return planRecord(
      project,
      kind,
      `check that what upload published for ${project} is still there as image.yaml declares it`,
      imageSteps(project, loadImage({ workspaceRoot, catalog }, project), 'full'),
    );
  }
  if (kind === 'tkr') {
    const tkr = tkrIdentity(workspaceRoot, project);
    const { context } = tkr.spec.managementCluster;
    const kubectl = (...args: string[]) => ['kubectl', '--context', context, ...args];
    const commands: PlannedCommand[] = [
      { argv: kubectl('get', 'tkr', tkr.tkrName, '-o', 'json'), when: 'exists, Ready=True and Compatible=True' },
      {
        argv: kubectl('get', 'osimages', '<OSImages of the TKr>', '-o', 'json'),
        when: `exactly the images of the BoM gen-bom renders now from ${tkr.base.file} and the images' published.json`,
      },
    ];
    for (const name of tkr.spec.images) {
      const spec = loadImage({ workspaceRoot, catalog }, name);
      if (spec.infra !== 'vsphere' || !spec.upload.vsphere) continue;
      commands.push({
        argv: ['govc', ...govcArgs.vmInfo(templatePath(spec.upload.vsphere))],
        when: `the template of ${name}'s OVA VERSION exists (else clusters fail with "${noTemplateFailure('<VERSION>')}")`,
      });
    }
    const namespace = tkr.spec.managementCluster.namespace ?? DEFAULT_TKR_NAMESPACE;
    return planRecord(
      project,
      kind,
      `check that TKr ${tkr.tkrName} on ${context} is what ${tkr.file} registers (ConfigMap namespace ${namespace})`,
      {
        commands,
        notes: [
          `images: ${tkr.spec.images.join(', ')}; one that is revoked or never published is a finding`,
          'kubectl reads the context from KUBECONFIG (or ~/.kube/config)',
        ],
      },
    );
  }
  const file = clusterSpecPath(project);
  const { spec } = loadClusterSpec(file, readWorkspaceFile(workspaceRoot, file));
  if (spec.tkr) {
    const tkr = tkrIdentity(workspaceRoot, spec.tkr);
    const { context } = tkr.spec.managementCluster;
    return planRecord(project, kind, `check that TKr ${tkr.tkrName} (tkr ${spec.tkr}) exists on ${context}`, {
      commands: [{ argv: ['kubectl', '--context', context, 'get', 'tkr', tkr.tkrName, '-o', 'json'], when: 'exists and is Ready' }],
      notes: [`the images tkr ${spec.tkr} lists: one that is revoked is a finding`],
    });
  }
  const image = spec.image!;
  const steps = imageSteps(image, loadImage({ workspaceRoot, catalog }, image), 'presence');
  return planRecord(project, kind, `check that image ${image}, which ${file} uses, is still published`, {
    commands: steps.commands,
    notes: [...steps.notes, `image ${image} revoked is a finding`],
  });
}
