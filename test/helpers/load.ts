import type { TestServer } from './postgres.js';

export interface AppliedLoad {
  /** Stops the clients and says what they did: queries completed and the time each spent inside a query. */
  stop(): Promise<{ queries: number; elapsedMs: number; busyConnections: number; ratePerSecond: number }>;
}

/**
 * A known load for --measure to find: `clients` connections, each running a `pg_sleep(holdMs)` query back to
 * back. Each query is its own transaction, so the busy connections are clients × (share of time in a query),
 * measured here on the client side.
 */
export async function applyLoad(
  server: TestServer,
  options: { clients: number; holdMs: number; database?: string },
): Promise<AppliedLoad> {
  const clients = await Promise.all(
    Array.from({ length: options.clients }, () => server.client(options.database)),
  );
  let running = true;
  let queries = 0;
  let busyMs = 0;
  const started = performance.now();
  const loops = clients.map(async (client) => {
    while (running) {
      const t0 = performance.now();
      // It reads a table, as real work does: a backend that touches no table keeps its database counters
      // pending rather than flushing them each second (PostgreSQL 15+), and --measure would not see it.
      await client.query('select pg_sleep($1) from pg_class limit 1', [options.holdMs / 1000]);
      busyMs += performance.now() - t0;
      queries += 1;
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      const elapsedMs = performance.now() - started;
      await Promise.all(clients.map((c) => c.end()));
      return {
        queries,
        elapsedMs,
        busyConnections: busyMs / elapsedMs,
        ratePerSecond: queries / (elapsedMs / 1000),
      };
    },
  };
}
