// Generated from tools/kiln-nx/src/plan-batch.ts by tools/kiln-nx/bin/compile-plugin.js: do not edit, run npm run compile:plugin.
"use strict";
// Plan mode runs each target's tasks in batches (many tasks in one process): the plugin's preTasksExecution hook
// sets NX_BATCH_MODE=true when the command asks for the plan configuration. Real runs keep one process per task.
Object.defineProperty(exports, "__esModule", { value: true });
exports.selectsPlanConfiguration = selectsPlanConfiguration;
exports.batchPlanRuns = batchPlanRuns;
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
/** Sets NX_BATCH_MODE=true when the command selects the plan configuration (an explicit NX_BATCH_MODE wins). */
function batchPlanRuns(argv) {
    if (process.env.NX_BATCH_MODE === undefined && selectsPlanConfiguration(argv))
        process.env.NX_BATCH_MODE = 'true';
}
