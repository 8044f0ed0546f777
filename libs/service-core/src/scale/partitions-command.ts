/**
 * `npm run partitions` (tools/partitions.ts): the operator's commands on the month partitions of
 * every context that has some, given as their MonthPartitionSets (docs/scale.md):
 *   list | ensure [--ahead 3] | archive (--before YYYY-MM | --keep-months N) | attach YYYY-MM
 */
import { Pool } from 'pg';
import {
  addMonths,
  archiveMonthPartitionsBefore,
  attachMonthPartitions,
  ensureMonthPartitions,
  listMonthPartitions,
  monthOf,
  parseMonth,
  PartitionError,
  type MonthPartitionSet,
} from './month-partitions';

/** The sets whose tables this database has (a database may hold some contexts' schemas only). */
async function setsHere(pool: Pool, allSets: MonthPartitionSet[], print: (line: string) => void): Promise<MonthPartitionSet[]> {
  const here: MonthPartitionSet[] = [];
  for (const set of allSets) {
    const found = await pool.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [`${set.schema}.${set.tables[0]}`]);
    if (found.rows[0].t) here.push(set);
    else print(`${set.schema}: not in this database (its service has not migrated it): left out`);
  }
  return here;
}

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

/**
 * The message for the person who typed the command when `e` is a refusal of it (a PartitionError, or
 * a RangeError for a malformed month); undefined when `e` is a fault of another kind.
 */
export function partitionsRefusal(e: unknown): string | undefined {
  return e instanceof PartitionError || e instanceof RangeError ? e.message : undefined;
}

/**
 * One command (`list`, `ensure`, `archive`, `attach` and their options) on the database at
 * databaseUrl; what it says goes to print, line by line. Throws a refusal (see partitionsRefusal)
 * when the command cannot be done as typed.
 */
export async function runPartitionsCommand(
  argv: string[],
  databaseUrl: string,
  allSets: MonthPartitionSet[],
  print: (line: string) => void,
): Promise<void> {
  const [command, ...args] = argv;
  const pool = new Pool({ connectionString: databaseUrl, max: 2 });
  const now = new Date();
  try {
    const SETS = command && ['list', 'ensure', 'archive', 'attach'].includes(command) ? await setsHere(pool, allSets, print) : [];
    switch (command) {
      case 'list': {
        for (const set of SETS) {
          for (const m of await listMonthPartitions(pool, set)) {
            print(
              `${set.schema.padEnd(9)}  ${m.month}  ${m.state.padEnd(8)}  ${String(m.units).padStart(7)} ${set.units.padEnd(5)}  ${(m.bytes / 2 ** 20).toFixed(1).padStart(10)} MiB`,
            );
          }
        }
        return;
      }
      case 'ensure': {
        const ahead = count(option(args, '--ahead') ?? '3', '--ahead', 0);
        for (const set of SETS) {
          const made = await ensureMonthPartitions(pool, set, monthOf(now), addMonths(monthOf(now), ahead));
          print(`${set.schema}: ${made.length ? `made ${made.join(', ')}` : 'every month was there already'}`);
        }
        return;
      }
      case 'archive': {
        const before = option(args, '--before');
        const keep = option(args, '--keep-months');
        if ((before === undefined) === (keep === undefined))
          throw new PartitionError(`archive needs exactly one of --before or --keep-months\n${USAGE}`);
        const until = before ?? addMonths(monthOf(now), 1 - count(keep!, '--keep-months', 1));
        for (const set of SETS) {
          const done = await archiveMonthPartitionsBefore(pool, set, until, now);
          print(
            `${set.schema}: ${done.length ? `archived ${done.join(', ')} into ${set.archiveSchema}` : `no attached month before ${until}`}`,
          );
        }
        return;
      }
      case 'attach': {
        if (!args[0]) throw new PartitionError(`attach needs a month\n${USAGE}`);
        const month = args[0];
        parseMonth(month);
        // The month's archived partitions of every context; where it is attached (or was never made) nothing changes.
        const states = [];
        for (const set of SETS) states.push((await listMonthPartitions(pool, set)).find((m) => m.month === month)?.state);
        if (!states.includes('ARCHIVED')) {
          throw new PartitionError(
            states.includes('ATTACHED') ? `month ${month} is attached already` : `month ${month} has no partitions, archived or attached`,
          );
        }
        for (const [i, set] of SETS.entries()) {
          if (states[i] !== 'ARCHIVED') continue;
          await attachMonthPartitions(pool, set, month);
          print(`${set.schema}: attached ${month}`);
        }
        return;
      }
      default:
        throw new PartitionError(command ? `unknown command ${JSON.stringify(command)}\n${USAGE}` : USAGE);
    }
  } finally {
    await pool.end();
  }
}
