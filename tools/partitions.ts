/**
 * The month partitions of test_data's raw cells, features and results and of process's trace
 * batches and channels (docs/scale.md); every command acts on both:
 *   npm run partitions -- list
 *   npm run partitions -- ensure [--ahead 3]              make this month's and the next months'
 *   npm run partitions -- archive --before 2026-01        detach every month before January 2026
 *   npm run partitions -- archive --keep-months 12        detach every month older than the last 12
 *   npm run partitions -- attach 2025-11                  attach an archived month again
 * DATABASE_URL names the database (the MES's default when unset).
 */
import { TRACE_PARTITIONS } from '@mes/process-service';
import { partitionsRefusal, runPartitionsCommand } from '@mes/service-core';
import { TEST_DATA_PARTITIONS } from '@mes/test-data-store';

runPartitionsCommand(
  process.argv.slice(2),
  process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/mes',
  [TEST_DATA_PARTITIONS, TRACE_PARTITIONS],
  (line) => console.log(line),
).catch((e: unknown) => {
  console.error(partitionsRefusal(e) ?? e);
  process.exit(1);
});
