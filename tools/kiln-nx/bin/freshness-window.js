#!/usr/bin/env node
// Prints an image's freshness window for Nx's build hash (a `runtime` input): the output changes when
// the window rolls over, so a cached build is reused only while it is younger than `refresh` (default 30d).
'use strict';
const { readFileSync } = require('node:fs');

const DEFAULT_REFRESH = '30d';
const UNIT_MS = { d: 86_400_000, h: 3_600_000 };

function refreshOf(file) {
  try {
    const m = readFileSync(file, 'utf8').match(/^refresh:\s*["']?([1-9][0-9]*)([dh])["']?\s*(#.*)?$/m);
    return m ? { count: Number(m[1]), unit: m[2] } : undefined;
  } catch {
    return undefined;
  }
}

const r = refreshOf(process.argv[2]) ?? { count: Number(DEFAULT_REFRESH.slice(0, -1)), unit: DEFAULT_REFRESH.slice(-1) };
// KILN_NOW (an ISO date) lets tests move the clock.
const now = process.env.KILN_NOW ? Date.parse(process.env.KILN_NOW) : Date.now();
process.stdout.write(`refresh=${r.count}${r.unit} window=${Math.floor(now / (r.count * UNIT_MS[r.unit]))}\n`);
