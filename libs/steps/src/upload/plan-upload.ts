// Plan record for upload: every govc/aws/az command upload-step.ts runs, with placeholders for build results; for a
// revoked image, the lifecycle commands a revoked upload runs instead.
import { azureImageDefinition, type BuildPlan } from '@kiln/render';
import type { KilnImage, KilnImageRevoked } from '@kiln/schema';
import { kilnNow } from '../shared/clock';
import type { PlanRecord } from '../shared/plan-record';
import { publishedFile } from '../shared/published-record';
import { revocationAt, revokedSince } from '../shared/revoked-image';
import { planRevokeAws } from './aws/revoke-aws';
import { planAws } from './aws/upload-aws';
import { planRevokeAzure } from './azure/revoke-azure';
import { planAzure } from './azure/upload-azure';
import { kilnTags, PLANNED_COMMIT } from './upload-context';
import { planRevokeVsphere } from './vsphere/revoke-vsphere';
import { templatePath } from './vsphere/template-path';
import { planVsphere } from './vsphere/upload-vsphere';

export interface UploadPlanInput {
  project: string;
  plan: BuildPlan;
  upload: KilnImage['upload'];
  /** Content key of the rendered config (what artifact.json will carry). */
  contentKey: string;
  /** image.yaml's `revoked:`; when in force at `now`, the plan is the revoked upload's. */
  revoked?: KilnImageRevoked;
  /** The clock the revocation is judged at (default: KILN_NOW or the real time). */
  now?: number;
}

function planRevoked(input: UploadPlanInput, revoked: KilnImageRevoked): PlanRecord {
  const { project, plan, upload } = input;
  const steps =
    plan.infra === 'vsphere'
      ? planRevokeVsphere(templatePath(upload.vsphere!), revoked)
      : plan.infra === 'aws'
        ? planRevokeAws(upload.aws!, revoked.at)
        : planRevokeAzure(
            {
              subscriptionId: upload.azure!.subscriptionId,
              resourceGroup: upload.azure!.resourceGroup,
              gallery: upload.azure!.gallery,
              imageName: azureImageDefinition(plan.os),
              version: '<version>',
            },
            revoked.at,
          );
  return {
    target: 'upload',
    project,
    summary: `${project} is ${revokedSince(revoked)}: apply the cloud's lifecycle to what ${publishedFile(project)} lists, publish nothing, and record it there`,
    commands: steps.commands,
    notes: [...steps.notes, `without ${publishedFile(project)} (never published) the upload stops: there is nothing to revoke`],
  };
}

/** Every govc/aws/az command upload runs, with placeholders for what only the build knows. */
export function planUpload(input: UploadPlanInput): PlanRecord {
  const { project, plan, upload, contentKey } = input;
  const revoked = revocationAt({ spec: { revoked: input.revoked } }, input.now ?? kilnNow());
  if (revoked) return planRevoked(input, revoked);
  const tags = kilnTags(project, plan.version, plan.kubernetesSemver, contentKey, PLANNED_COMMIT);
  const steps =
    plan.infra === 'vsphere'
      ? planVsphere(project, upload.vsphere!, contentKey, plan.version)
      : plan.infra === 'aws'
        ? planAws(upload.aws!, tags)
        : planAzure(project, plan.os, upload.azure!, tags);
  return {
    target: 'upload',
    project,
    summary: `publish the ${plan.infra} artifact of ${project} (content key ${contentKey.slice(0, 12)}) idempotently and write ${publishedFile(project)}`,
    commands: steps.commands,
    notes: [...steps.notes, 'a conflicting object stops the upload with an error naming it; nx run <image>:upload --replace replaces it'],
  };
}
