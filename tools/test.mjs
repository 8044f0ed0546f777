#!/usr/bin/env node
// npm test: install what is missing, make sure PostgreSQL and Redis answer, then run every jest tier.
import { ensureDependencies, runTs } from './ensure-deps.mjs';

ensureDependencies();
process.exit(await runTs('tools/dev/run-tests.ts', process.argv.slice(2)));
