// Plan record for upload: every govc/aws/az command upload-step.ts runs, with placeholders for build results.
import type { BuildPlan } from '@kiln/render';
import type { KilnImage } from '@kiln/schema';
import type { PlanRecord } from '../shared/plan-record';
import { planAws } from './aws/upload-aws';
import { planAzure } from './azure/upload-azure';
import { kilnTags } from './upload-context';
import { planVsphere } from './vsphere/upload-vsphere';

export interface UploadPlanInput {
  project: string;
  plan: BuildPlan;
  upload: KilnImage['upload'];
  /** Content key of the rendered config (what artifact.json will carry). */
  contentKey: string;
}

/** Every govc/aws/az command upload runs, with placeholders for what only the build knows. */
export function planUpload(input: UploadPlanInput): PlanRecord {
  const { project, plan, upload, contentKey } = input;
  const tags = kilnTags(project, plan.version, plan.kubernetesSemver, contentKey);
  const steps =
    plan.infra === 'vsphere'
      ? planVsphere(project, upload.vsphere!, contentKey, plan.version)
      : plan.infra === 'aws'
        ? planAws(upload.aws!, tags)
        : planAzure(project, plan.os, upload.azure!, tags);
  return {
    target: 'upload',
    project,
    summary: `publish the ${plan.infra} artifact of ${project} (content key ${contentKey.slice(0, 12)}) idempotently and write dist/images/${project}/upload/published.json`,
    commands: steps.commands,
    notes: [...steps.notes, 'a conflicting object stops the upload with an error naming it; nx run <image>:upload --replace replaces it'],
  };
}
