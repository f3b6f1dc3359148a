// Plan record for gen-bom (pure: it runs no command; the record says what it writes).
import { tkrDist, type KilnTkr } from '@kiln/schema';
import type { PlanRecord } from '../shared/plan-record';

export function planGenBom(project: string, tkr: KilnTkr): PlanRecord {
  return {
    target: 'gen-bom',
    project,
    summary: `add ${tkr.images.join(', ')} to tkrs/${project}/${tkr.bom} and suffix release.version with -${tkr.suffix}`,
    commands: [],
    notes: [`writes ${tkrDist(project).bom}/tkr-bom-<version>.yaml and configmap-<version>.yaml`],
  };
}
