// Generated from libs/runner/src/pull-policy.ts by tools/kiln-nx/bin/compile-plugin.js: do not edit, run npm run compile:plugin.
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.PULL_POLICIES = void 0;
// The docker image pull policies (plugin option pullPolicy, KILN_PULL_POLICY). No imports: the Nx plugin entry
// loads this module through workspace-settings.
exports.PULL_POLICIES = ['IfNotPresent', 'Always', 'Never'];
