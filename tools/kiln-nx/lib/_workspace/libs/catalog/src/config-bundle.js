// Generated from libs/catalog/src/config-bundle.ts by tools/kiln-nx/bin/compile-plugin.js: do not edit, run npm run compile:plugin.
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DEFAULT_CONFIG_BUNDLES_DIR = void 0;
exports.configBundleDir = configBundleDir;
exports.readConfigBundle = readConfigBundle;
// Locates the image-builder config bundle of a release in the workspace and checks it has what a build needs.
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const errors_1 = require("../../errors/src/index.js");
/** Default workspace folder that holds unzipped config bundles, one folder per bundle. */
exports.DEFAULT_CONFIG_BUNDLES_DIR = 'images/_bundles';
/** Workspace-relative folder of the release's config bundle. */
function configBundleDir(release, bundlesDir = exports.DEFAULT_CONFIG_BUNDLES_DIR) {
    return `${bundlesDir}/${release.configBundle}`;
}
function missing(workspaceRoot, relPath, kind, releaseId, bundleDir) {
    return new errors_1.KilnError('CONFIG_BUNDLE_MISSING', `config bundle ${kind} not found: ${relPath}`, {
        file: relPath,
        hint: `download the TKG Image Builder config bundle for ${releaseId} and unzip it so that ${bundleDir}/tkg.json exists ` +
            `(the folder name must be exactly ${bundleDir.split('/').pop()})`,
        context: { workspaceRoot },
    });
}
/** Checks the bundle's files exist; returns the parsed tkg.json (string values only). */
function readConfigBundle(workspaceRoot, releaseId, release, needs, bundlesDir = exports.DEFAULT_CONFIG_BUNDLES_DIR) {
    const dir = configBundleDir(release, bundlesDir);
    const abs = (p) => (0, node_path_1.join)(workspaceRoot, p);
    const isDir = (p) => (0, node_fs_1.existsSync)(abs(p)) && (0, node_fs_1.statSync)(abs(p)).isDirectory();
    if (!isDir(dir))
        throw missing(workspaceRoot, dir, 'folder', releaseId, dir);
    const tkgJsonPath = `${dir}/tkg.json`;
    if (!(0, node_fs_1.existsSync)(abs(tkgJsonPath)))
        throw missing(workspaceRoot, tkgJsonPath, 'file', releaseId, dir);
    for (const folder of [`${dir}/tkg`, ...needs.roles.map((r) => `${dir}/${r}`)]) {
        if (!isDir(folder))
            throw missing(workspaceRoot, folder, 'folder', releaseId, dir);
    }
    const goss = `${dir}/goss/${needs.gossSpec}`;
    if (!(0, node_fs_1.existsSync)(abs(goss)))
        throw missing(workspaceRoot, goss, 'file', releaseId, dir);
    let tkgJson;
    try {
        tkgJson = JSON.parse((0, node_fs_1.readFileSync)(abs(tkgJsonPath), 'utf8'));
    }
    catch (e) {
        throw new errors_1.KilnError('CONFIG_BUNDLE_INVALID', `tkg.json is not valid JSON: ${e.message}`, {
            file: tkgJsonPath,
            hint: 'restore tkg.json from the downloaded config bundle; Kiln applies your options itself, do not hand-edit it',
        });
    }
    if (tkgJson === null || typeof tkgJson !== 'object' || Array.isArray(tkgJson)) {
        throw new errors_1.KilnError('CONFIG_BUNDLE_INVALID', 'tkg.json must be a JSON object', { file: tkgJsonPath });
    }
    for (const [k, v] of Object.entries(tkgJson)) {
        if (typeof v !== 'string') {
            throw new errors_1.KilnError('CONFIG_BUNDLE_INVALID', `tkg.json key "${k}" must be a string (packer variables are strings)`, {
                file: tkgJsonPath,
            });
        }
    }
    return { dir, tkgJson: tkgJson };
}
