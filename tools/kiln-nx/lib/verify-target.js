// Generated from tools/kiln-nx/src/verify-target.ts by tools/kiln-nx/bin/compile-plugin.js: do not edit, run npm run compile:plugin.
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.verifyTarget = verifyTarget;
const dist_layout_1 = require("./_workspace/libs/schema/src/dist-layout.js");
/**
 * verify depends on nothing: it checks what is already published (published.json) and registered, so a catalog is
 * checked with `nx run-many -t verify` without building or uploading anything.
 */
function verifyTarget(name, folder) {
    return {
        executor: '@kiln/nx:verify',
        cache: false,
        continuous: false,
        options: { outputPath: (0, dist_layout_1.verifyDist)(folder, name) },
        configurations: { plan: { plan: true, outputPath: (0, dist_layout_1.planDist)('verify', name, folder) } },
        metadata: {
            description: 'Check that what the project declares is what vCenter, EC2, Azure and the management cluster have; one line per finding, non-zero exit on drift (not cached).',
        },
    };
}
