import { MEMORY_PER_CONNECTION_BYTES } from './guide.js';

/**
 * The troubleshooting catalogue: what to try, in our words, keyed by the ids that findings carry.
 * The three problem entries follow the guide's troubleshooting table; the others are single remedies.
 */
export interface Hint {
  readonly title: string;
  readonly steps: readonly string[];
}

export const HINTS = {
  'raise-max-connections': {
    title: 'Give the server more connection slots',
    steps: [
      'Raise max_connections with the ALTER SYSTEM statement shown, then restart PostgreSQL: the setting only changes at start-up.',
      `Budget about ${MEMORY_PER_CONNECTION_BYTES / 1024 ** 2} MB of server memory per extra connection, plus work_mem for each sort or hash it runs.`,
    ],
  },
  'fewer-instances': {
    title: 'Run fewer application instances against this server',
    steps: [
      'Every instance opens its own pool, so the server sees instances × pool size connections at peak.',
      'Fewer, larger instances need fewer connections in total for the same traffic.',
    ],
  },
  pgbouncer: {
    title: 'Put a pooler such as PgBouncer in front of the server',
    steps: [
      'In transaction mode a few dozen server connections can serve thousands of application connections.',
      'Session-level features (advisory locks held across transactions, LISTEN, prepared statements on old drivers) need session mode or a direct connection.',
    ],
  },
  'too-many-connections': {
    title: 'The server refuses connections ("too many connections")',
    steps: [
      "Shrink the application pools' max_connections so their sum fits the server.",
      'Look for leaks: code paths that take a connection and never give it back.',
      'Pool on the database side with PgBouncer.',
      'Give the database more resources, or move reads to replicas.',
    ],
  },
  'slow-acquisition': {
    title: 'Requests wait a long time for a pooled connection',
    steps: [
      'Keep more connections warm by raising min_connections.',
      'Lower idle_timeout so that connections idling in one place are released for others sooner.',
      'If the pool is nearly always busy, raise its max_connections (within the server budget).',
      'Find long-running queries or transactions that hold connections.',
    ],
  },
  'intermittent-failures': {
    title: 'Connections fail now and then',
    steps: [
      'Turn on test_before_acquire so broken connections are caught before use; it costs a round trip each time.',
      'Shorten max_lifetime so that connections are replaced more often.',
      'Check the network path between the application and the database.',
      "Read PostgreSQL's log for the connection errors it records.",
    ],
  },
  'run-migrations': {
    title: "Bring the schema up to the application's migrations",
    steps: [
      "Run the application's migrations (sqlx migrate run, or the application's own migrate step) as the role it connects with, so that the objects land in the schema its search_path finds first.",
      'After a failed migration, repair what it left half done, delete its row from _sqlx_migrations, and run the migrations again.',
      'Tables found in another schema usually mean a different search_path: align the role’s search_path or the spec’s schema.',
    ],
  },
  'load-generator': {
    title: 'Give the load generator room',
    steps: [
      'Run pooltune bench on a machine (or in a container) that is not busy with other work, and not on the database server itself.',
      'Lower --rate, or split the load over several bench processes.',
      '--hold-ms work costs pooltune little; a heavy --query result set costs more to read.',
    ],
  },
} as const satisfies Record<string, Hint>;

export type HintId = keyof typeof HINTS;

export const HINT_IDS = Object.keys(HINTS) as readonly HintId[];

export function hintFor(id: string): Hint | undefined {
  return (HINTS as Record<string, Hint>)[id];
}
