// Generated from libs/schema/src/dist-layout.ts by tools/kiln-nx/bin/compile-plugin.js: do not edit, run npm run compile:plugin.
"use strict";
// The dist/ layout: every folder Kiln writes under dist/, named once (workspace-relative; users and CI rely on these paths).
// No imports: the Nx plugin entry loads this module while it builds the project graph.
Object.defineProperty(exports, "__esModule", { value: true });
exports.REVIEW_DIST = exports.BUNDLES_DIST = exports.PLAN_ROOT = exports.DIST_ROOT = void 0;
exports.imageDist = imageDist;
exports.tkrDist = tkrDist;
exports.clusterDist = clusterDist;
exports.verifyDist = verifyDist;
exports.planDist = planDist;
/** Root of everything Kiln writes. */
exports.DIST_ROOT = 'dist';
/** Root of plan mode (`-c plan`): a plan run writes nothing outside it. */
exports.PLAN_ROOT = `${exports.DIST_ROOT}/plan`;
/** Endpoint records of the running resource-bundle containers (not an Nx output). */
exports.BUNDLES_DIST = `${exports.DIST_ROOT}/bundles`;
/** Folders of `kiln review`: the report, and the scratch renders it compares. */
exports.REVIEW_DIST = { report: `${exports.DIST_ROOT}/review`, renders: `${exports.PLAN_ROOT}/kiln-review` };
function imageDist(name) {
    const root = `${exports.DIST_ROOT}/images/${name}`;
    return { config: `${root}/config`, build: `${root}/build`, output: `${root}/output`, upload: `${root}/upload`, logs: `${root}/logs` };
}
function tkrDist(name) {
    return { bom: `${exports.DIST_ROOT}/tkrs/${name}`, applied: `${exports.DIST_ROOT}/applied/tkrs/${name}` };
}
function clusterDist(name) {
    return { config: `${exports.DIST_ROOT}/clusters/${name}` };
}
/** verify (every project): findings.json, what it found the last time it ran. */
function verifyDist(folder, name) {
    return `${exports.DIST_ROOT}/verify/${folder}/${name}`;
}
/** The targets of Kiln projects, by the kind of project that has them. */
const TARGET_KINDS = {
    'render-config': 'images',
    'pull-bundle': 'images',
    build: 'images',
    upload: 'images',
    'gen-bom': 'tkrs',
    'apply-tkr': 'tkrs',
    'gen-cluster-config': 'clusters',
};
function planDist(target, project, folder) {
    const kind = target === 'verify' ? folder : TARGET_KINDS[target];
    return `${exports.PLAN_ROOT}/${kind}/${project}/${target === 'render-config' ? 'config' : target}`;
}
