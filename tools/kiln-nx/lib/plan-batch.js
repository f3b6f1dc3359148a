// Generated from tools/kiln-nx/src/plan-batch.ts by tools/kiln-nx/bin/compile-plugin.js: do not edit, run npm run compile:plugin.
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.preTasksExecution = void 0;
exports.selectsPlanConfiguration = selectsPlanConfiguration;
/** True when Nx's argv selects the `plan` configuration (`-c plan`, `--configuration=plan`, `nx run x:t:plan`). */
function selectsPlanConfiguration(argv) {
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if ((a === '-c' || a === '--configuration') && argv[i + 1] === 'plan')
            return true;
        if (a === '-c=plan' || a === '--configuration=plan' || a === '-cplan')
            return true;
        if (/^[^-][^:\s]*:[^:\s]+:plan$/.test(a))
            return true;
    }
    return false;
}
const preTasksExecution = (_options, context) => {
    // An explicit NX_BATCH_MODE (or --batch=false, which Nx checks itself) wins.
    if (process.env.NX_BATCH_MODE === undefined && selectsPlanConfiguration(context.argv))
        process.env.NX_BATCH_MODE = 'true';
};
exports.preTasksExecution = preTasksExecution;
