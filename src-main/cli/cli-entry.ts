// The CLI as a program: what `smearlab` runs, in development (through tsx,
// see smearlab.mjs) and bundled (dist/main/cli.mjs).
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));
