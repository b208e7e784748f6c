/**
 * PostgreSQL behind a PgBouncer whose pool the test fills, so that a client really waits in PgBouncer: the
 * pooler tests of monitor, monitor --listen and the pgbouncer_exporter rules all need one, set up the same way.
 */
import pg from 'pg';
import { startPgBouncer, type PgBouncerOptions, type TestPgBouncer } from './pgbouncer.js';
import { startServer, type PgVersion, type TestServer } from './postgres.js';
import { waitFor } from './wait.js';

/**
 * `[databases]` for startPgBouncer: appdb, one server connection, is the pool fillPool fills; postgres is a
 * separate entry to watch through, so that the watcher's own session does not queue behind the held
 * transaction.
 */
const FULL_POOL_DATABASES = { appdb: { dbname: 'postgres', pool_size: 1 }, postgres: {} } as const;

interface FullPool {
  /** Ends the held transaction, lets the queued query through, and closes both clients. */
  release(): Promise<void>;
}

/**
 * Fills appdb (see FULL_POOL_DATABASES): one client holds its one server connection in a transaction, a
 * second sends a query that queues behind it; resolves once PgBouncer shows that client waiting.
 */
async function fillPool(bouncer: TestPgBouncer): Promise<FullPool> {
  const holder = new pg.Client({ connectionString: bouncer.url('postgres', 'appdb') });
  const waiter = new pg.Client({ connectionString: bouncer.url('postgres', 'appdb') });
  waiter.on('error', () => undefined);
  let queued: Promise<unknown> | undefined;
  const release = async () => {
    await holder.query('COMMIT').catch(() => undefined);
    await queued;
    await holder.end().catch(() => undefined);
    await waiter.end().catch(() => undefined);
  };
  try {
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('select 1');
    await waiter.connect();
    // Queued in PgBouncer until the holder's transaction ends.
    queued = waiter.query('select 2').catch((error: unknown) => error);
    await waitFor('a client waiting in PgBouncer', async () => {
      const pools = await bouncer.sql<{ database: string; cl_waiting: number }>('SHOW POOLS');
      return pools.some((p) => p.database === 'appdb' && Number(p.cl_waiting) >= 1);
    });
  } catch (error) {
    await release();
    throw error;
  }
  return { release };
}

export interface FullPoolChain {
  readonly server: TestServer;
  readonly bouncer: TestPgBouncer;
  /** Releases the pool, then stops PgBouncer and the server. */
  stop(): Promise<void>;
}

/**
 * PostgreSQL `version` behind a transaction-mode PgBouncer (FULL_POOL_DATABASES, and `settings`) whose
 * appdb pool fillPool has filled: the whole setup of the pooler tests that need a client waiting.
 */
export async function startFullPoolChain(
  version: PgVersion,
  settings: NonNullable<PgBouncerOptions['settings']>,
): Promise<FullPoolChain> {
  const server = await startServer({ version });
  let bouncer: TestPgBouncer | undefined;
  let pool: FullPool | undefined;
  const stop = async () => {
    await pool?.release();
    await bouncer?.stop();
    await server.stop();
  };
  try {
    bouncer = await startPgBouncer(server, {
      poolMode: 'transaction',
      settings,
      databases: FULL_POOL_DATABASES,
    });
    pool = await fillPool(bouncer);
  } catch (error) {
    await stop();
    throw error;
  }
  return { server, bouncer, stop };
}
