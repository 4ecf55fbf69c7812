// Every `smearlab` command, in the order `smearlab help` lists them. Adding a
// command: write commands/<name>.ts exporting a CliCommand, add one line here.

import type { CliCommand } from './command.ts';
import { infoCommand } from './commands/info.ts';
import { serveCommand } from './commands/serve.ts';
import { demoCommand } from './commands/demo.ts';
import { ingestCommand } from './commands/ingest.ts';
import { statsCommand } from './commands/stats.ts';
import { agreementCommand } from './commands/agreement.ts';
import { mergeCommand, packCommand } from './commands/work.ts';
import { exportCommand } from './commands/export.ts';
import { importCommand } from './commands/import.ts';
import { verifyCommand } from './commands/verify.ts';

export const COMMANDS: readonly CliCommand[] = [
  infoCommand,
  serveCommand,
  ingestCommand,
  statsCommand,
  agreementCommand,
  packCommand,
  mergeCommand,
  exportCommand,
  verifyCommand,
  importCommand,
  demoCommand,
];
