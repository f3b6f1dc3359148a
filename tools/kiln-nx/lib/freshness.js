// Generated from tools/kiln-nx/src/freshness.ts by tools/kiln-nx/bin/compile-plugin.js: do not edit, run npm run compile:plugin.
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.FRESHNESS_FILE = exports.DEFAULT_REFRESH = void 0;
exports.refreshOf = refreshOf;
exports.refreshMs = refreshMs;
exports.phaseMs = phaseMs;
exports.windowAt = windowAt;
exports.nowMs = nowMs;
exports.readFreshnessRecord = readFreshnessRecord;
exports.freshnessToken = freshnessToken;
exports.freshnessRecord = freshnessRecord;
exports.revokedAt = revokedAt;
// The build freshness token: a build is reused until it is `refresh` old, counted from its own build time.
// Pure functions shared by the build hasher (Nx's process) and the build executor (which records the token).
const node_crypto_1 = require("node:crypto");
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const revocation_1 = require("./_workspace/libs/schema/src/revocation.js");
exports.DEFAULT_REFRESH = '30d';
const UNIT_MS = { d: 86_400_000, h: 3_600_000 };
/** The record the build writes next to its outputs (restored from the cache with them). */
exports.FRESHNESS_FILE = 'freshness.json';
/** `refresh:` of an image.yaml text (a top-level `refresh: 12h` / `30d`), else the default; validation is render-config's job. */
function refreshOf(imageYaml) {
    const m = imageYaml?.match(/^refresh:\s*["']?([1-9][0-9]*[dh])["']?\s*(#.*)?$/m);
    return m ? m[1] : exports.DEFAULT_REFRESH;
}
function refreshMs(refresh) {
    return Number(refresh.slice(0, -1)) * UNIT_MS[refresh.slice(-1)];
}
/** Per-image offset of the window boundaries, so images with the same refresh do not all expire at once. */
function phaseMs(image, periodMs) {
    return (0, node_crypto_1.createHash)('sha256').update(image).digest().readUInt32BE(0) % periodMs;
}
/** The image's window number at `nowMs`: windows are `refresh` long and start at the image's own phase. */
function windowAt(image, refresh, nowMs) {
    const period = refreshMs(refresh);
    return Math.floor((nowMs - phaseMs(image, period)) / period);
}
/** The clock: KILN_NOW (an ISO date, for tests) or the real time. */
function nowMs(env = process.env) {
    const raw = env.KILN_NOW;
    if (raw === undefined || raw === '')
        return Date.now();
    const t = Date.parse(raw);
    if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(t)) {
        throw new Error(`KILN_NOW must be an ISO date such as 2026-03-01T00:00:00Z (got ${JSON.stringify(raw)}); unset it to use the real clock`);
    }
    return t;
}
/** The freshness record in a build output folder, or undefined when there is none or it is unreadable. */
function readFreshnessRecord(workspaceRoot, outputPath) {
    try {
        const r = JSON.parse((0, node_fs_1.readFileSync)((0, node_path_1.join)(workspaceRoot, outputPath, exports.FRESHNESS_FILE), 'utf8'));
        return typeof r.window === 'number' && typeof r.builtAt === 'string' && typeof r.refresh === 'string' ? r : undefined;
    }
    catch {
        return undefined;
    }
}
/**
 * The token for the build's hash at `now`. While the build recorded in the output folder is younger than its
 * refresh (and the refresh is unchanged), its own token: its cache entry stays valid until builtAt + refresh.
 * Otherwise the image's current window, which every machine computes alike (a fresh clone, a remote cache).
 */
function freshnessToken(image, refresh, record, now) {
    if (record && record.refresh === refresh && record.image === image) {
        const builtAt = Date.parse(record.builtAt);
        if (!Number.isNaN(builtAt) && builtAt <= now && now < builtAt + refreshMs(refresh))
            return record.window;
    }
    return windowAt(image, refresh, now);
}
/** The record a build that ran at `now` with `token` in its hash writes next to its outputs. */
function freshnessRecord(image, refresh, token, now) {
    return {
        image,
        refresh,
        builtAt: new Date(now).toISOString(),
        expiresAt: new Date(now + refreshMs(refresh)).toISOString(),
        window: token,
    };
}
/**
 * Whether image.yaml's `revoked:` is in force at `now`: part of the build's hash, so a cached build is not replayed
 * for a revoked image (the build then refuses it). Only an image.yaml with a top-level `revoked:` pays for the parser.
 */
function revokedAt(imageYaml, now) {
    if (!imageYaml || !/^revoked:/m.test(imageYaml))
        return false;
    let data;
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only revoked images load the YAML parser
        data = require('yaml').parse(imageYaml);
    }
    catch {
        return false; // render-config reports the broken image.yaml
    }
    const revoked = data?.revoked;
    if (!revoked || typeof revoked !== 'object')
        return false;
    const at = revoked.at;
    return (0, revocation_1.revocationInForce)({ reason: '', at: typeof at === 'string' ? at : '' }, now);
}
