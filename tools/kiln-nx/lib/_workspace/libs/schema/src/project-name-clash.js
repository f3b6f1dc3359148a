// Generated from libs/schema/src/project-name-clash.ts by tools/kiln-nx/bin/compile-plugin.js: do not edit, run npm run compile:plugin.
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.PROJECT_KINDS = void 0;
exports.projectNameOf = projectNameOf;
exports.projectNameClashes = projectNameClashes;
// Project names are folder names under images/, tkrs/ and clusters/: one name may be used by one folder only.
const errors_1 = require("../../errors/src/index.js");
/** The folders that hold Kiln projects and the spec file each project folder has. */
exports.PROJECT_KINDS = [
    { kind: 'image', dir: 'images', file: 'image.yaml' },
    { kind: 'tkr', dir: 'tkrs', file: 'tkr.yaml' },
    { kind: 'cluster', dir: 'clusters', file: 'cluster.yaml' },
];
/** images/x/image.yaml → x (undefined for any other path). */
function projectNameOf(specFile) {
    const m = /^(?:images|tkrs|clusters)\/([^/]+)\/(?:image|tkr|cluster)\.yaml$/.exec(specFile);
    return m?.[1];
}
/** One error per name that more than one spec file claims, naming every file (sorted, deterministic). */
function projectNameClashes(specFiles) {
    const byName = new Map();
    for (const file of specFiles) {
        const name = projectNameOf(file);
        if (name === undefined)
            continue;
        byName.set(name, [...(byName.get(name) ?? []), file]);
    }
    const errors = [];
    for (const name of [...byName.keys()].sort()) {
        const files = byName.get(name).sort();
        if (files.length < 2)
            continue;
        errors.push(new errors_1.KilnError('PROJECT_NAME_CLASH', `project name "${name}" is used by ${files.join(' and ')}; names must be unique across images/, tkrs/ and clusters/`, {
            file: files[1],
            hint: `rename one of the folders (e.g. ${files[1].split('/')[0]}/${name}-${files[1].split('/')[0].replace(/s$/, '')}) and update the tkr.yaml/cluster.yaml files that refer to it`,
        }));
    }
    return errors;
}
