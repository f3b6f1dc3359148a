// planBuild: the docker command lines plan mode prints for the build target (create, cp in, start, cp out, rm).
import { describe, expect, it } from 'vitest';
import { repoRoot } from '@kiln/testing';
import { renderBuildPlan, renderCustomizations, type BuildPlan } from '@kiln/render';
import { loadImageContext } from '../shared/load-image-context';
import { planBuild } from './plan-build';
import { KILN_ROOT } from '../shared/kiln-installation';
import { formatPlan } from '../shared/plan-record';
import { normalizePluginOptions } from '../shared/workspace-settings';

const WS = '/ws';

function planOf(image: string): BuildPlan {
  const ctx = loadImageContext(repoRoot, image, normalizePluginOptions(undefined));
  return renderBuildPlan(ctx, renderCustomizations(ctx));
}

function record(image: string) {
  return planBuild(WS, image, planOf(image), `dist/images/${image}/config`);
}

/** argv[1] (the docker subcommand) and the rest of each planned command, plus its `when`. */
function shape(image: string): Array<[string, string | undefined]> {
  return record(image).commands.map((c) => [c.argv.slice(0, 2).join(' '), c.when]);
}

describe('planBuild', () => {
  it('vSphere: create, cp - (credentials from stdin), start --attach, cp out (after success), rm --force (always)', () => {
    const name = 'kiln-build-ubuntu-2004-vsphere-class-<run-id>';
    const r = record('ubuntu-2004-vsphere-class');
    expect(shape('ubuntu-2004-vsphere-class')).toEqual([
      ['docker create', undefined],
      ['docker cp', 'stdin: a tar stream of the private credential files'],
      ['docker start', undefined],
      ['docker cp', 'after a successful build (files owned by the user running Kiln)'],
      ['docker rm', 'always, also on failure or interrupt'],
    ]);
    expect(r.commands[0]!.argv.slice(0, 4)).toEqual(['docker', 'create', '--name', name]);
    expect(r.commands.slice(1).map((c) => c.argv)).toEqual([
      ['docker', 'cp', '-', `${name}:/home/imagebuilder`],
      ['docker', 'start', '--attach', name],
      ['docker', 'cp', `${name}:/home/imagebuilder/output/.`, `${WS}/dist/images/ubuntu-2004-vsphere-class/output`],
      ['docker', 'rm', '--force', name],
    ]);
  });

  it('the create line mounts only read-only paths, the per-run tkg.json from $KILN_RUN_DIR, and no credentials, output or home folder', () => {
    const create = record('ubuntu-2004-vsphere-class').commands[0]!.argv;
    const mounts = create.flatMap((a, i) => (create[i - 1] === '-v' ? [a] : []));
    expect(mounts[0]).toBe('$KILN_RUN_DIR/tkg.json:/home/imagebuilder/tkg.json:ro');
    expect(mounts).toContain(
      `${WS}/dist/images/ubuntu-2004-vsphere-class/config/customizations.json:/home/imagebuilder/customizations.json:ro`,
    );
    expect(mounts.filter((m) => !m.endsWith(':ro'))).toEqual([]);
    expect(create.filter((a) => /KILN_CREDENTIALS_DIR|vsphere\.json:|\/output|~|\.aws|\.azure/.test(a))).toEqual([]);
    expect(create).toContain('PACKER_FLAGS=-force');
  });

  it('AWS: ~/.aws copied in, the output folder (packer manifest) copied out; the notes say how', () => {
    const r = record('ubuntu-2004-aws-cis');
    expect(shape('ubuntu-2004-aws-cis').map(([cmd]) => cmd)).toEqual([
      'docker create',
      'docker cp',
      'docker start',
      'docker cp',
      'docker rm',
    ]);
    expect(r.notes).toContain(
      '/home/imagebuilder/.aws/config and /home/imagebuilder/.aws/credentials (owner uid KILN_BUILDER_UID, mode 0600) are streamed into the container from ~/.aws',
    );
  });

  it('Azure: nothing copied in, the output folder (the package list) copied out; AZURE_* by name, the login stays in the container', () => {
    const r = record('ubuntu-2004-azure-fips');
    expect(shape('ubuntu-2004-azure-fips').map(([cmd]) => cmd)).toEqual(['docker create', 'docker start', 'docker cp', 'docker rm']);
    const create = r.commands[0]!.argv;
    for (const name of ['AZURE_SUBSCRIPTION_ID', 'AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET']) {
      expect(create[create.indexOf(name) - 1]).toBe('--env');
      expect(r.notes).toContain(`--env ${name} takes its value from the host variable ${name} (never in argv)`);
    }
    expect(create).not.toContain('--env-file');
    expect(r.notes.join('\n')).toContain("into the container's own Azure config folder (never ~/.azure)");
  });

  it('vSphere notes: vsphere.json is streamed in (no host file) and every mount is read-only', () => {
    const text = formatPlan(record('ubuntu-2004-vsphere-plan'));
    expect(text).toContain('note: every mount is read-only');
    expect(text).toContain('note: /home/imagebuilder/vsphere.json (owner uid KILN_BUILDER_UID, mode 0600) is streamed into the container');
    expect(text).toContain('no host file holds it');
    expect(text).not.toContain('KILN_CREDENTIALS_DIR');
  });

  it("the create line mounts Kiln's package-list role from this Kiln installation, read-only", () => {
    const create = record('ubuntu-2004-vsphere-plan').commands[0]!.argv;
    expect(create).toContain(`${KILN_ROOT}/libs/provenance/ansible/kiln-package-list:/home/imagebuilder/kiln-package-list:ro`);
  });

  it('notes that provenance.json and sbom.cdx.json are written beside artifact.json after a successful build', () => {
    const notes = record('ubuntu-2004-aws-cis').notes;
    expect(
      notes.filter((n) =>
        /^dist\/images\/ubuntu-2004-aws-cis\/build\/(provenance\.json|sbom\.cdx\.json) is written after a successful build/.test(n),
      ),
    ).toHaveLength(2);
    expect(notes.join('\n')).toContain('git rev-parse HEAD and git status --porcelain --untracked-files=no');
  });
});
