#!/usr/bin/env node
// Runs the TypeScript CLI straight from the repo (no build step), so `npx tigerid` works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../electron/cli.ts');
process.exitCode = await main(process.argv.slice(2));
