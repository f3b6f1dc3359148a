// Runs the upload step in a process of its own (the interrupt test signals it): argv = workspace root, image.
// Prints the report, or the error as the executor does, and exits 1 on failure.
import { formatError } from '@kiln/errors';
import { uploadStep } from '@kiln/steps';

const [workspaceRoot, project] = process.argv.slice(2) as [string, string];
uploadStep({ workspaceRoot, project, echo: process.stdout }).then(
  (report) => process.stdout.write(report + '\n'),
  (error: unknown) => {
    process.stderr.write(`${project}: ${formatError(error)}\n`);
    process.exitCode = 1;
  },
);
