/**
 * The month partitions of test_data's raw cells, features and results (docs/scale.md):
 *   npm run partitions -- list
 *   npm run partitions -- ensure [--ahead 3]              make this month's and the next months'
 *   npm run partitions -- archive --before 2026-01        detach every month before January 2026
 *   npm run partitions -- archive --keep-months 12        detach every month older than the last 12
 *   npm run partitions -- attach 2025-11                  attach an archived month again
 * DATABASE_URL names the database (the MES's default when unset).
 */
import { Pool } from 'pg';
import {
  addMonths,
  archiveMonthsBefore,
  attachMonth,
  ensurePartitionsAhead,
  listPartitions,
  monthOf,
  PartitionError,
} from '@mes/test-data-store';

const USAGE = 'usage: npm run partitions -- list | ensure [--ahead N] | archive (--before YYYY-MM | --keep-months N) | attach YYYY-MM';

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined || v.startsWith('--')) throw new PartitionError(`${name} needs a value\n${USAGE}`);
  return v;
}

function count(text: string, name: string, min: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min)
    throw new PartitionError(`${name} ${JSON.stringify(text)}: expected a whole number >= ${min}`);
  return Number(text);
}

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  const pool = new Pool({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/mes', max: 2 });
  const now = new Date();
  try {
    switch (command) {
      case 'list': {
        for (const m of await listPartitions(pool)) {
          console.log(
            `${m.month}  ${m.state.padEnd(8)}  ${String(m.tests).padStart(7)} tests  ${(m.bytes / 2 ** 20).toFixed(1).padStart(10)} MiB`,
          );
        }
        return;
      }
      case 'ensure': {
        const made = await ensurePartitionsAhead(pool, now, count(option(args, '--ahead') ?? '3', '--ahead', 0));
        console.log(made.length ? `made ${made.join(', ')}` : 'every month was there already');
        return;
      }
      case 'archive': {
        const before = option(args, '--before');
        const keep = option(args, '--keep-months');
        if ((before === undefined) === (keep === undefined))
          throw new PartitionError(`archive needs exactly one of --before or --keep-months\n${USAGE}`);
        const until = before ?? addMonths(monthOf(now), 1 - count(keep!, '--keep-months', 1));
        const done = await archiveMonthsBefore(pool, until, now);
        console.log(done.length ? `archived ${done.join(', ')} into test_data_archive` : `no attached month before ${until}`);
        return;
      }
      case 'attach': {
        if (!args[0]) throw new PartitionError(`attach needs a month\n${USAGE}`);
        await attachMonth(pool, args[0]);
        console.log(`attached ${args[0]}`);
        return;
      }
      default:
        throw new PartitionError(command ? `unknown command ${JSON.stringify(command)}\n${USAGE}` : USAGE);
    }
  } finally {
    await pool.end();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof PartitionError || e instanceof RangeError ? e.message : e);
  process.exit(1);
});
