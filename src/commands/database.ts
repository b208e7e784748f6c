import { formatDuration } from '../core/units.js';
import type { Io } from '../ui/io.js';
import type { Session, SessionOptions } from '../probes/connect.js';
import { describeTarget, resolveTarget, type ConnectionTarget } from '../probes/target.js';
import { verbose, type CommonOptions } from './common.js';

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** How a command reaches its database: --db (else DATABASE_URL, else PG*) and --connect-timeout. */
export interface DatabaseOptions {
  readonly db?: string;
  /** The environment variable that holds the URL when there is no --db (the plan's target.urlEnv). */
  readonly urlEnv?: string;
  /** Set when the user gave --connect-timeout; otherwise the URL's, PGCONNECT_TIMEOUT or 10s. */
  readonly connectTimeoutMs?: number;
}

export interface ResolvedDatabase {
  readonly target: ConnectionTarget;
  readonly display: string;
  readonly sessionOptions: SessionOptions;
}

/** Resolves the target and registers its password as a secret before anything can print it. */
export function resolveDatabase(options: DatabaseOptions, io: Io): ResolvedDatabase {
  const target = resolveTarget(options.db, io.env, options.urlEnv);
  if (target.password) io.addSecret(target.password);
  const connectTimeoutMs = options.connectTimeoutMs ?? target.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  return {
    target,
    display: describeTarget(target),
    sessionOptions: { connectTimeoutMs, env: io.env },
  };
}

/** Opens the read-only session, runs `work`, closes it; pg is loaded only here. */
export async function withDatabase<T>(
  db: ResolvedDatabase,
  io: Io,
  options: CommonOptions,
  work: (session: Session) => Promise<T>,
): Promise<T> {
  await verbose(
    io,
    options,
    `connecting to ${db.display} (from ${db.target.source}, sslmode ${db.target.sslMode}, connect timeout ${formatDuration(db.sessionOptions.connectTimeoutMs)})`,
  );
  const { withSession } = await import('../probes/connect.js');
  return withSession(db.target, db.sessionOptions, work);
}
