// Generated from tools/kiln-nx/src/target-inputs.ts by tools/kiln-nx/bin/compile-plugin.js: do not edit, run npm run compile:plugin.
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.stageInputs = stageInputs;
/** The libraries every pure target uses whole, with the npm packages they load. */
const PURE_LIBS = ['errors', 'schema', 'catalog', 'render'];
const PURE_PACKAGES = ['yaml', 'ajv', 'handlebars', 'diff'];
/** The projects a pure stage uses in part (the stage's files, the settings module and what it loads, the executor). */
const STAGE_PROJECTS = ['steps', 'runner', 'kiln-nx'];
function stageInputs(stage) {
    return [
        { input: 'production', projects: PURE_LIBS },
        { input: stage, projects: STAGE_PROJECTS },
        { externalDependencies: PURE_PACKAGES },
    ];
}
