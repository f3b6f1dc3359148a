// A small local Azure Resource Manager endpoint for tests: the REAL az (Debian azure-cli 2.45) talks to it after
// `az cloud register` with loopback endpoints and `az login --identity` (the App Service managed identity protocol:
// MSI_ENDPOINT/MSI_SECRET, served here too). HTTPS with a throw-away self-signed certificate (openssl) that az
// trusts through REQUESTS_CA_BUNDLE. It keeps Shared Image Gallery image versions in memory (ARM wire format:
// fields under `properties`), answers GET, PUT and PATCH of them like ARM (404 ResourceNotFound, display-name regions,
// canonical storage casing, replicated regions that may not be dropped, publishingProfile.excludeFromLatest a JSON
// boolean that a PUT without it resets to false) and records every ARM call.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ARM_TENANT = '00000000-0000-4000-8000-0000000000aa';
const DISPLAY: Record<string, string> = {
  westeurope: 'West Europe',
  northeurope: 'North Europe',
  eastus: 'East US',
  westus2: 'West US 2',
  uksouth: 'UK South',
};
const STORAGE: Record<string, string> = { standard_lrs: 'Standard_LRS', standard_zrs: 'Standard_ZRS', premium_lrs: 'Premium_LRS' };
const VERSION_PATH =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/galleries\/([^/]+)\/images\/([^/]+)\/versions\/([^/]+)$/i;

export interface ArmTargetRegion {
  name: string;
  regionalReplicaCount?: number;
  storageAccountType?: string;
}

/** An image version as ARM stores it (wire format). */
export interface ArmSigVersion {
  id: string;
  name: string;
  type: string;
  location: string;
  tags: Record<string, string>;
  properties: {
    publishingProfile: { targetRegions: ArmTargetRegion[]; replicaCount: number; storageAccountType: string; excludeFromLatest: boolean };
    storageProfile: Record<string, unknown>;
    safetyProfile: { allowDeletionOfReplicatedLocations: boolean };
    provisioningState: string;
  };
}

export interface ArmCall {
  method: string;
  /** Path without the query. */
  path: string;
  apiVersion: string | null;
  body: unknown;
}

export class ArmTestServer {
  readonly subscriptionId = '00000000-0000-4000-8000-000000000001';
  readonly msiSecret = 'kiln-test-msi-secret';
  /** Lower-cased resource id → version. */
  readonly versions = new Map<string, ArmSigVersion>();
  readonly calls: ArmCall[] = [];
  /** The next PUT of an image version is accepted, then its long-running operation fails (a failed replication). */
  failNextPut = false;
  url = '';
  caFile = '';
  private dir = '';
  private server: Server | undefined;

  async start(): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), 'kiln-arm-'));
    const key = join(this.dir, 'key.pem');
    this.caFile = join(this.dir, 'cert.pem');
    const r = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-days',
        '2',
        '-keyout',
        key,
        '-out',
        this.caFile,
      ],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`openssl could not make the test certificate: ${r.stderr}`);
    const server = createServer({ key: readFileSync(key), cert: readFileSync(this.caFile) }, (req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (d: string) => (raw += d));
      req.on('end', () => {
        const u = new URL(req.url ?? '/', 'https://localhost');
        const send = (code: number, body: unknown) => {
          res.writeHead(code, { 'content-type': 'application/json; charset=utf-8', 'x-ms-request-id': `kiln-${this.calls.length}` });
          res.end(JSON.stringify(body));
        };
        if (u.pathname.replace(/\/+$/, '') === '/msi/token') {
          if (req.headers.secret !== this.msiSecret) return send(401, { error: 'bad MSI secret' });
          return send(200, {
            access_token: testJwt(u.searchParams.get('resource') ?? ''),
            expires_on: String(Math.floor(Date.now() / 1000) + 3600),
            resource: u.searchParams.get('resource'),
            token_type: 'Bearer',
          });
        }
        let body: unknown;
        try {
          body = raw ? JSON.parse(raw) : undefined;
        } catch {
          return send(400, armError('InvalidRequestContent', 'The request content was invalid and could not be deserialized.'));
        }
        this.calls.push({ method: req.method ?? '', path: u.pathname, apiVersion: u.searchParams.get('api-version'), body });
        if (!/^Bearer \S+\.\S+\.\S+$/.test(req.headers.authorization ?? '')) {
          return send(401, armError('AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing."));
        }
        if (req.method === 'GET' && u.pathname === '/subscriptions') {
          return send(200, {
            value: [
              {
                id: `/subscriptions/${this.subscriptionId}`,
                subscriptionId: this.subscriptionId,
                tenantId: ARM_TENANT,
                displayName: 'kiln-test',
                state: 'Enabled',
              },
            ],
          });
        }
        if (req.method === 'GET' && u.pathname === '/operations/replication-failed') {
          return send(200, {
            status: 'Failed',
            error: { code: 'GalleryImageVersionReplicationFailed', message: 'Replication to one or more regions failed.' },
          });
        }
        const m = VERSION_PATH.exec(u.pathname);
        if (!m) return send(404, armError('InvalidResourceType', `no route for ${req.method} ${u.pathname} in this test server`));
        const id = u.pathname.toLowerCase();
        const stored = this.versions.get(id);
        if (!stored) {
          return send(
            404,
            armError(
              'ResourceNotFound',
              `The Resource 'Microsoft.Compute/galleries/${m[3]}/images/${m[4]}/versions/${m[5]}' under resource group '${m[2]}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
            ),
          );
        }
        if (req.method === 'GET') return send(200, stored);
        if (req.method !== 'PUT' && req.method !== 'PATCH')
          return send(405, armError('MethodNotAllowed', `${req.method} is not supported here`));
        const result = req.method === 'PUT' ? this.put(stored, body) : this.patch(stored, body);
        if (typeof result === 'string') return send(400, armError('InvalidParameter', result));
        if (this.failNextPut) {
          // ARM accepts the change (201, Updating) and the long-running operation then fails, as a replication does.
          this.failNextPut = false;
          const updating = { ...result, properties: { ...result.properties, provisioningState: 'Updating' } };
          this.versions.set(id, { ...updating, properties: { ...updating.properties, provisioningState: 'Failed' } });
          res.writeHead(201, {
            'content-type': 'application/json; charset=utf-8',
            'azure-asyncoperation': `${this.url}/operations/replication-failed?api-version=2022-03-03`,
            'retry-after': '0',
          });
          return res.end(JSON.stringify(updating));
        }
        this.versions.set(id, result);
        return send(200, result);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /**
   * Applies a PUT body like ARM: the resource is replaced, so an omitted excludeFromLatest is false again; regions by
   * display name, canonical storage casing; an error text when invalid.
   */
  private put(stored: ArmSigVersion, body: unknown): ArmSigVersion | string {
    const b = body as PutBody | undefined;
    if (!b || b.location?.toLowerCase().replace(/\s+/g, '') !== stored.location) return 'location is required and cannot be changed';
    return this.apply(stored, b.tags ?? {}, b.properties?.publishingProfile, false);
  }

  /** Applies a PATCH body like ARM: only what it names changes (tags, when given, are replaced as a whole). */
  private patch(stored: ArmSigVersion, body: unknown): ArmSigVersion | string {
    const b = (body ?? {}) as PutBody;
    if (b.location !== undefined && b.location.toLowerCase().replace(/\s+/g, '') !== stored.location) return 'location cannot be changed';
    return this.apply(
      stored,
      b.tags ?? stored.tags,
      b.properties?.publishingProfile,
      stored.properties.publishingProfile.excludeFromLatest,
    );
  }

  private apply(
    stored: ArmSigVersion,
    tags: Record<string, string>,
    asked: AskedProfile | undefined,
    excludeDefault: boolean,
  ): ArmSigVersion | string {
    const exclude = asked?.excludeFromLatest;
    if (exclude !== undefined && typeof exclude !== 'boolean')
      return `The value '${String(exclude)}' of publishingProfile.excludeFromLatest is not a boolean.`;
    const profile = stored.properties.publishingProfile;
    const regions: ArmTargetRegion[] = [];
    for (const t of asked?.targetRegions ?? profile.targetRegions) {
      const key = t.name.toLowerCase().replace(/\s+/g, '');
      if (!DISPLAY[key]) return `Region '${t.name}' is not a valid location.`;
      const storage = t.storageAccountType ?? profile.storageAccountType;
      if (!STORAGE[storage.toLowerCase()]) return `Storage account type '${storage}' is not valid.`;
      regions.push({
        name: DISPLAY[key],
        regionalReplicaCount: t.regionalReplicaCount ?? profile.replicaCount,
        storageAccountType: STORAGE[storage.toLowerCase()],
      });
    }
    const dropped = profile.targetRegions.filter((t) => !regions.some((r) => r.name === t.name));
    if (dropped.length > 0 && !stored.properties.safetyProfile.allowDeletionOfReplicatedLocations) {
      return `Replicated locations ${dropped.map((d) => d.name).join(', ')} of the gallery image version cannot be removed while safetyProfile.allowDeletionOfReplicatedLocations is false.`;
    }
    return {
      ...stored,
      tags: { ...tags },
      properties: {
        ...stored.properties,
        publishingProfile: { ...profile, targetRegions: regions, excludeFromLatest: exclude ?? excludeDefault },
      },
    };
  }

  /** Stores an image version as the build left it: replicated to its location only, with the build's tags. */
  addVersion(
    ref: { resourceGroup: string; gallery: string; imageName: string; version: string },
    location: string,
    tags: Record<string, string> = {},
  ): ArmSigVersion {
    const id = `/subscriptions/${this.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.Compute/galleries/${ref.gallery}/images/${ref.imageName}/versions/${ref.version}`;
    const version: ArmSigVersion = {
      id,
      name: ref.version,
      type: 'Microsoft.Compute/galleries/images/versions',
      location,
      tags: { build_timestamp: '1689156775', distribution: 'ubuntu', distribution_version: '20.04', ...tags },
      properties: {
        publishingProfile: {
          targetRegions: [{ name: DISPLAY[location]!, regionalReplicaCount: 1, storageAccountType: 'Standard_LRS' }],
          replicaCount: 1,
          storageAccountType: 'Standard_LRS',
          excludeFromLatest: false,
        },
        storageProfile: {
          osDiskImage: { hostCaching: 'ReadWrite', sizeInGb: 30 },
          source: {
            id: `/subscriptions/${this.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.Compute/images/build-${ref.version}`,
          },
        },
        safetyProfile: { allowDeletionOfReplicatedLocations: false },
        provisioningState: 'Succeeded',
      },
    };
    this.versions.set(id.toLowerCase(), version);
    return version;
  }

  /** The environment under which the real az uses this server (after azLogin). */
  azEnv(configDir: string): Record<string, string> {
    return {
      AZURE_CONFIG_DIR: configDir,
      REQUESTS_CA_BUNDLE: this.caFile,
      APPSETTING_WEBSITE_SITE_NAME: 'kiln-test',
      MSI_ENDPOINT: `${this.url}/msi/token`,
      MSI_SECRET: this.msiSecret,
      AZURE_CORE_COLLECT_TELEMETRY: 'false',
      AZURE_CORE_ONLY_SHOW_ERRORS: 'true',
    };
  }

  /**
   * Registers this server as a cloud in `configDir`, makes it active and logs in with the managed identity. az is
   * spawned asynchronously: this server runs in the test process and must keep answering meanwhile.
   */
  async azLogin(configDir: string): Promise<void> {
    const env = { ...process.env, ...this.azEnv(configDir) };
    const steps = [
      [
        'cloud',
        'register',
        '-n',
        'KilnTest',
        '--endpoint-resource-manager',
        `${this.url}/`,
        '--endpoint-active-directory',
        `${this.url}/`,
        '--endpoint-active-directory-resource-id',
        'https://management.kiln.test/',
        '--endpoint-management',
        'https://management.kiln.test/',
        '--endpoint-active-directory-graph-resource-id',
        'https://graph.kiln.test/',
      ],
      ['cloud', 'set', '-n', 'KilnTest'],
      ['login', '--identity', '-o', 'none'],
    ];
    for (const args of steps) {
      const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
        const child = spawn('az', args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
        child.on('error', reject);
        child.on('close', (c) => {
          clearTimeout(timer);
          resolve({ code: c, stderr: err });
        });
      });
      if (code !== 0) throw new Error(`az ${args.slice(0, 2).join(' ')} failed (${code}): ${stderr}`);
    }
    this.calls.length = 0;
  }

  clearCalls(): void {
    this.calls.length = 0;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The publishing profile a PUT or PATCH asks for. */
interface AskedProfile {
  targetRegions?: ArmTargetRegion[];
  excludeFromLatest?: unknown;
}

/** What a PUT or PATCH of an image version may carry (the rest of the body is ignored). */
interface PutBody {
  location?: string;
  tags?: Record<string, string>;
  properties?: { publishingProfile?: AskedProfile };
}

function armError(code: string, message: string): unknown {
  return { error: { code, message } };
}

/** An unsigned JWT with the claims az reads from a managed identity token (tid). */
function testJwt(audience: string): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ tid: ARM_TENANT, oid: '00000000-0000-4000-8000-0000000000bb', aud: audience, exp: Math.floor(Date.now() / 1000) + 3600 })}.c2lnbmF0dXJl`;
}
