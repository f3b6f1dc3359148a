// vSphere lifecycle of a revoked image: vCenter has no deprecation of its own, so the template published.json lists
// is annotated with a kiln-revoked line (its Notes, shown wherever the template is picked); nothing is imported.
import { KilnError } from '@kiln/errors';
import type { KilnImageRevoked } from '@kiln/schema';
import type { PlannedCommand } from '../../shared/plan-record';
import { publishedFile, type PublishedRecord, type RevocationApplied } from '../../shared/published-record';
import type { RevokeContext } from '../revoke-context';
import { shortKey } from '../upload-context';
import { openGovcSession, govcFailureReason } from './govc-session';
import { revokedLine, withKilnLines } from './template-annotation';
import { govcArgs, parseVmInfo } from './upload-vsphere';

export async function revokeVsphere(ctx: RevokeContext, published: NonNullable<PublishedRecord['vsphere']>): Promise<RevocationApplied[]> {
  const path = published.templatePath;
  // Every govc call of this run: a private GOVMOMI_HOME, no persisted session (as upload).
  const session = openGovcSession();
  const run = (args: string[], allowFailure = false) => ctx.cli.run('govc', args, { allowFailure, env: session.env });
  try {
    const info = await run(govcArgs.vmInfo(path), true);
    if (info.exitCode !== 0) {
      const reason = govcFailureReason(info.stderr, info.stdout);
      throw new KilnError('GOVC_FAILED', `govc vm.info ${path} failed (exit code ${info.exitCode}): ${reason}`, {
        hint: 'check GOVC_URL (GOVC_INSECURE=1 for self-signed certificates) and the credentials',
      });
    }
    const facts = parseVmInfo(info.stdout);
    if (!facts.exists) {
      ctx.say(`template ${path} no longer exists: nothing to annotate`);
      return [{ object: path, lifecycle: 'gone' }];
    }
    if (facts.contentKey !== ctx.published.contentKey) {
      throw new KilnError(
        'TEMPLATE_CONFLICT',
        `vSphere VM ${path} holds other content than ${publishedFile(ctx.image)} lists (content key ${shortKey(facts.contentKey)}, published ${shortKey(ctx.published.contentKey)}): it is left alone`,
        {
          hint: `look at ${path} in vCenter; ${publishedFile(ctx.image)} no longer describes it`,
        },
      );
    }
    const current = facts.annotation ?? '';
    const wanted = withKilnLines(current, { revoked: ctx.revoked });
    if (wanted === current) ctx.say(`template ${path} is annotated as revoked already`);
    else {
      await run(govcArgs.annotate(path, wanted));
      ctx.say(`template ${path} annotated: ${revokedLine(ctx.revoked)}`);
    }
    return [{ object: path, lifecycle: `annotated ${revokedLine(ctx.revoked)}` }];
  } finally {
    session.dispose();
  }
}

export function planRevokeVsphere(path: string, revoked: KilnImageRevoked): { commands: PlannedCommand[]; notes: string[] } {
  return {
    commands: [
      {
        argv: ['govc', ...govcArgs.vmInfo(path)],
        when: "the template published.json lists: its annotation and content key (another build's template is left alone)",
      },
      {
        argv: ['govc', ...govcArgs.annotate(path, `<its annotation>\n${revokedLine(revoked)}`)],
        when: 'unless the annotation carries this revocation already',
      },
    ],
    notes: [
      "nothing is imported, replaced or destroyed: vCenter has no deprecation of its own, so the template's annotation says it is revoked",
    ],
  };
}
