import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { counter, gauge } from '../observability/metrics';

const sweeps = () =>
  counter('mes_sweeps_total', 'Sweeps this process ran (only the replica holding the sweeper lock runs them)', ['sweeper']);
const leading = () =>
  gauge('mes_sweep_leader', '1 while this process holds the sweeper lock and sweeps for every replica, else 0', ['sweeper']);

/**
 * One replica sweeps for all: the one holding a PostgreSQL session advisory lock named for the
 * sweeper, on a connection of its own. The others try to take it at each of their ticks, so when
 * the sweeping replica stops (or its connection drops, which ends the session and frees the lock)
 * another takes over within one interval. The sweeps themselves stay safe to run twice (keyed job
 * ids); the lock saves the other replicas the same queries against the database and Redis.
 */
export class SweepLeader {
  private readonly logger = new Logger(SweepLeader.name);
  private client: Client | null = null;
  private held = false;

  constructor(
    private readonly databaseUrl: string,
    readonly sweeper: string,
  ) {
    leading().set({ sweeper }, 0);
  }

  /** Whether this replica sweeps now: it holds the lock, or took it just now. */
  async lead(): Promise<boolean> {
    try {
      if (!this.client) {
        const client = new Client({ connectionString: this.databaseUrl, application_name: `mes-sweeper:${this.sweeper}` });
        client.on('error', () => this.drop());
        await client.connect();
        this.client = client;
      }
      // Held: the session is still there (a query on it answers), so the lock is too.
      const r = this.held
        ? await this.client.query('SELECT true AS ok')
        : await this.client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [`mes-sweeper:${this.sweeper}`]);
      if (!this.held && r.rows[0].ok) this.logger.log(`this replica runs the ${this.sweeper} sweeper`);
      this.held = Boolean(r.rows[0].ok);
    } catch (e) {
      if (this.held) this.logger.warn(`lost the ${this.sweeper} sweeper lock: ${e instanceof Error ? e.message : String(e)}`);
      this.drop();
    }
    leading().set({ sweeper: this.sweeper }, this.held ? 1 : 0);
    return this.held;
  }

  /** Runs `sweep` when this replica leads, counted in mes_sweeps_total. */
  async tick(sweep: () => Promise<unknown>): Promise<void> {
    if (!(await this.lead())) return;
    sweeps().inc({ sweeper: this.sweeper });
    await sweep();
  }

  private drop(): void {
    this.held = false;
    const c = this.client;
    this.client = null;
    void c?.end().catch(() => undefined);
  }

  /** Ends the session, which frees the lock for another replica at once. */
  async close(): Promise<void> {
    const c = this.client;
    this.client = null;
    this.held = false;
    leading().set({ sweeper: this.sweeper }, 0);
    await c?.end().catch(() => undefined);
  }
}
