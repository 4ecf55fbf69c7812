// Runs `smearlab export` (the CLI command, worker thread and all) in a child
// process that the kill -9 test can kill mid-export. Not a test file itself.
import { exportCommand } from '../../../src-main/cli/commands/export.ts';

const code = await exportCommand.run(process.argv.slice(2), {
  out: (line = '') => process.stdout.write(`${line}\n`),
  err: (line = '') => process.stderr.write(`${line}\n`),
  verbose: false,
});
process.exitCode = code ?? 0;
