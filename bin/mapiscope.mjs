#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so a fresh clone needs no build step.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';

register();
const entry = new URL('../electron/cli/main.ts', import.meta.url);
const { cliMain } = await import(fileURLToPath(entry));
await cliMain(process.argv.slice(2));
