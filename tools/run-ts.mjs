#!/usr/bin/env node
// Runs a TypeScript entry point through swc (the same transpiler the tests use).
import { spawnSync } from 'node:child_process';

const [entry, ...args] = process.argv.slice(2);
const result = spawnSync(process.execPath, ['-r', '@swc-node/register', entry, ...args], { stdio: 'inherit' });
process.exit(result.status ?? 1);
