// verify for a cluster: what cluster.yaml builds on is there: its TKr on the management cluster (Ready), or its
// image's template / AMIs / image version; and no image it uses (directly or through its TKr) is revoked.
import { loadClusterSpec, positionAt, readWorkspaceFile } from '@kiln/schema';
import { loadListedImage } from '../shared/listed-image';
import { revocationAt } from '../shared/revoked-image';
import type { Finding } from './findings';
import { conditionFindings, revokedFindings } from './tkr-findings';
import { readTkr } from './tkr-reader';
import { verifyImage, type CheckResult } from './verify-image';
import type { VerifyContext } from './verify-context';
import { listedImages, tkrIdentity } from './verify-tkr';

export function clusterSpecPath(name: string): string {
  return `clusters/${name}/cluster.yaml`;
}

export async function verifyCluster(ctx: VerifyContext, project: string): Promise<CheckResult> {
  const file = clusterSpecPath(project);
  const { spec, source } = loadClusterSpec(file, readWorkspaceFile(ctx.workspaceRoot, file));
  if (spec.tkr) {
    const at = positionAt(source, '/tkr');
    const tkr = tkrIdentity(ctx.workspaceRoot, spec.tkr, { file, line: at.line, column: at.column });
    const { context } = tkr.spec.managementCluster;
    const images = listedImages(ctx, tkr);
    const findings: Finding[] = revokedFindings(
      `uses tkr ${spec.tkr}, which lists`,
      images.map((i) => ({ name: i.name, revoked: revocationAt(i, ctx.now) })),
    );
    const facts = await readTkr(context, tkr.tkrName, { cwd: ctx.workspaceRoot });
    if (!facts)
      findings.push({
        kind: 'tkr-missing',
        message: `TKr ${tkr.tkrName} of tkr ${spec.tkr} does not exist on context ${context} (run nx run ${spec.tkr}:apply-tkr)`,
      });
    else findings.push(...conditionFindings(tkr.tkrName, facts).filter((f) => f.kind === 'tkr-not-ready'));
    return { findings, checked: [`TKr ${tkr.tkrName} on ${context}`] };
  }
  const name = spec.image!;
  const image = loadListedImage(ctx.workspaceRoot, name, file, positionAt(source, '/image'), ctx.catalog);
  const findings = revokedFindings('uses', [{ name, revoked: revocationAt(image, ctx.now) }]);
  const presence = await verifyImage(ctx, name, 'presence');
  findings.push(...presence.findings.map((f) => ({ kind: f.kind, message: `image ${name}: ${f.message}` })));
  return { findings, checked: presence.checked };
}
