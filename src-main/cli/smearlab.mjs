#!/usr/bin/env node
// The `smearlab` command (package.json "bin"). Plain JS so it runs with bare
// Node: it registers tsx, then hands over to the TypeScript CLI in main.ts.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
