// What every verify check gets: the workspace, the clock, the catalog and the read-only cloud CLIs, each set up as
// upload sets it up (govc: credentials from the environment and a private session; aws: no pager; secrets redacted).
import { Writable } from 'node:stream';
import type { Catalog, Infra } from '@kiln/catalog';
import { SECRET_ENV } from '@kiln/render';
import { Redactor } from '@kiln/runner';
import { cloudCli, type CloudCli } from '../upload/upload-cli';
import { AWS_ENDPOINT_ENV } from '../upload/aws/upload-aws';
import { govcEnvironment, openGovcSession, type GovcSession } from '../upload/vsphere/upload-vsphere';

export interface VerifyContext {
  workspaceRoot: string;
  /** Where credentials and settings are read from, also given to the CLIs. */
  env: NodeJS.ProcessEnv;
  /** The clock revocations are judged at (ms since the epoch). */
  now: number;
  catalog: Catalog;
  /** The CLI runner for an infra's tool (govc, aws, az); vSphere credentials are resolved on first use. */
  cli(infra: Infra): CloudCli;
  /** KILN_AWS_ENDPOINT_URL when set (a test or private EC2 endpoint). */
  awsEndpoint: string | undefined;
  /** Ends the govc session (if one was opened). */
  dispose(): void;
}

/** A stream that drops what it is given: verify's report is its findings, not the command lines. */
function silent(): NodeJS.WritableStream {
  return new Writable({ write: (_chunk, _enc, done) => done() });
}

export function createVerifyContext(o: { workspaceRoot: string; env: NodeJS.ProcessEnv; now: number; catalog: Catalog }): VerifyContext {
  const redactor = new Redactor(SECRET_ENV.map((n) => o.env[n]));
  const clis = new Map<Infra, CloudCli>();
  let session: GovcSession | undefined;
  const make = (infra: Infra): CloudCli => {
    const env: Record<string, string | undefined> = { ...o.env };
    if (infra === 'vsphere') {
      const govc = govcEnvironment(o.env, o.workspaceRoot);
      for (const s of govc.secrets) redactor.add(s);
      session = openGovcSession();
      Object.assign(env, govc.env, session.env);
    } else if (infra === 'aws') {
      env.AWS_PAGER = '';
    }
    return cloudCli({ cwd: o.workspaceRoot, env, echo: silent(), prefix: '', redactor });
  };
  return {
    workspaceRoot: o.workspaceRoot,
    env: o.env,
    now: o.now,
    catalog: o.catalog,
    awsEndpoint: o.env[AWS_ENDPOINT_ENV] || undefined,
    cli(infra) {
      if (!clis.has(infra)) clis.set(infra, make(infra));
      return clis.get(infra)!;
    },
    dispose() {
      session?.dispose();
      session = undefined;
    },
  };
}
