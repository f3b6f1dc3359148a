#!/usr/bin/env node
// Cleanup reaper: outlives a build's process tree and, if the build process dies without cleaning up
// (e.g. Nx SIGKILLs it during Ctrl-C), removes its containers and private folders.
// Stage 1 (spawned by the build) starts stage 2 detached and exits at once, so stage 2 is re-parented
// away from the build's process tree and survives tree kills.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { existsSync, rmSync } = require('node:fs');

const [mode, payload] = process.argv.slice(2);
const job = JSON.parse(payload);

if (mode === '--stage1') {
  spawn(process.execPath, [__filename, '--stage2', payload], { detached: true, stdio: 'ignore' }).unref();
  process.exit(0);
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

function cleanup() {
  for (const name of job.containers) spawnSync('docker', ['rm', '-f', name], { stdio: 'ignore', timeout: 60_000 });
  for (const path of job.paths) rmSync(path, { recursive: true, force: true });
  rmSync(job.lease, { force: true });
}

const deadline = Date.now() + job.maxLifetimeMs;
const timer = setInterval(() => {
  if (!existsSync(job.lease)) process.exit(0); // the build cleaned up itself
  if (!alive(job.ownerPid) || Date.now() > deadline) {
    clearInterval(timer);
    cleanup();
    process.exit(0);
  }
}, 200);
