// Generated from tools/kiln-nx/src/pre-tasks-execution.ts by tools/kiln-nx/bin/compile-plugin.js: do not edit, run npm run compile:plugin.
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.preTasksExecution = void 0;
const plan_batch_1 = require("./plan-batch.js");
const preTasksExecution = (_options, context) => {
    (0, plan_batch_1.batchPlanRuns)(context.argv);
};
exports.preTasksExecution = preTasksExecution;
