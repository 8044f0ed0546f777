#!/usr/bin/env node
// npm start: install what is missing, then bring up PostgreSQL, Redis, the database and every app.
import { ensureDependencies, runTs } from './ensure-deps.mjs';

ensureDependencies();
process.exit(await runTs('tools/dev/start-mes.ts', process.argv.slice(2)));
