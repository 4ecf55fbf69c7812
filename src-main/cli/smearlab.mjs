#!/usr/bin/env node
// The `smearlab` command in a development checkout (package.json "bin"):
// registers tsx and runs the TypeScript CLI. Builds run dist/main/cli.mjs,
// which needs neither tsx nor TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./cli-entry.ts');
