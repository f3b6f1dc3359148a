// Generated from libs/schema/src/revocation.ts by tools/kiln-nx/bin/compile-plugin.js: do not edit, run npm run compile:plugin.
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.revocationTime = revocationTime;
exports.revocationInForce = revocationInForce;
const AT = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2})))?$/;
function daysIn(year, month) {
    return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
/**
 * `at` in ms since the epoch: a date (YYYY-MM-DD) is midnight UTC, an RFC 3339 time is that instant. Undefined when
 * it is no real calendar date or time (2026-02-30, 24:00:00), which Date.parse would roll over silently.
 */
function revocationTime(at) {
    const m = AT.exec(at);
    if (!m)
        return undefined;
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month))
        return undefined;
    if (m[4] === undefined)
        return Date.UTC(year, month - 1, day);
    const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6])];
    if (hour > 23 || minute > 59 || second > 59)
        return undefined;
    if (m[8] !== undefined && (Number(m[8]) > 23 || Number(m[9]) > 59))
        return undefined;
    const t = Date.parse(at.toUpperCase());
    return Number.isNaN(t) ? undefined : t;
}
/** True when the image is revoked at `now` (ms since the epoch): `at` has come. A future `at` is not in force yet. */
function revocationInForce(revoked, now) {
    if (!revoked)
        return false;
    const t = revocationTime(revoked.at);
    // A validated spec always has a real time; anything else revokes at once (a revocation is never ignored).
    return t === undefined || t <= now;
}
