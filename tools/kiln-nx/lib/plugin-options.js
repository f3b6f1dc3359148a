// Generated from tools/kiln-nx/src/plugin-options.ts by tools/kiln-nx/bin/compile-plugin.js: do not edit, run npm run compile:plugin.
"use strict";
// Options of the Kiln Nx plugin (nx.json), normalised once per createNodes call.
Object.defineProperty(exports, "__esModule", { value: true });
exports.normalizePluginOptions = normalizePluginOptions;
function normalizePluginOptions(options) {
    return {
        configBundlesDir: (options?.configBundlesDir ?? 'images/_bundles').replace(/\/+$/, ''),
        registry: options?.registry || undefined,
    };
}
