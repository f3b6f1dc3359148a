// A spec-conformant Nx self-hosted remote cache server (the OpenAPI contract behind NX_SELF_HOSTED_REMOTE_CACHE_SERVER),
// in memory, on 127.0.0.1. GET/PUT /v1/cache/{hash} with a bearer token: GET 200 (octet-stream) or 404; PUT 200,
// 409 for an existing record, 403 for a read-only token; 401 without a valid token. Every request is recorded.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CacheRequest {
  method: string;
  hash: string;
  status: number;
  bytes: number;
}

export interface NxCacheServer {
  url: string;
  port: number;
  readWriteToken: string;
  readOnlyToken: string;
  records: Map<string, Buffer>;
  requests: CacheRequest[];
  close(): Promise<void>;
}

const PATH = /^\/v1\/cache\/([A-Za-z0-9_-]+)$/;

export async function startNxCacheServer(tokens: { readWrite: string; readOnly: string }, port = 0): Promise<NxCacheServer> {
  const records = new Map<string, Buffer>();
  const requests: CacheRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const m = PATH.exec(req.url ?? '');
      const hash = m?.[1] ?? '';
      const reply = (status: number, data?: Buffer | string) => {
        requests.push({ method: req.method ?? '', hash, status, bytes: body.length });
        if (data instanceof Buffer) res.writeHead(status, { 'Content-Type': 'application/octet-stream', 'Content-Length': data.length });
        else res.writeHead(status, { 'Content-Type': 'text/plain' });
        res.end(data);
      };
      if (!m) return reply(404, 'not found');
      const auth = req.headers.authorization ?? '';
      const token = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
      if (token !== tokens.readWrite && token !== tokens.readOnly) return reply(401, 'missing or invalid authentication token');
      if (req.method === 'GET') {
        const record = records.get(hash);
        return record ? reply(200, record) : reply(404, 'the record was not found');
      }
      if (req.method === 'PUT') {
        if (token !== tokens.readWrite) return reply(403, 'access forbidden: read-only token');
        if (req.headers['content-length'] === undefined) return reply(400, 'Content-Length is required');
        if (records.has(hash)) return reply(409, 'cannot override an existing record');
        records.set(hash, body);
        return reply(200);
      }
      return reply(405, 'method not allowed');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    readWriteToken: tokens.readWrite,
    readOnlyToken: tokens.readOnly,
    records,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
