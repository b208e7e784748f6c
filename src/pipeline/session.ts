import type { CommonOptions } from '../cli/flags/common.js';
import type { ServerFacts } from '../core/server-facts.js';
import { formatDuration } from '../core/units.js';
import type { OpenSession } from '../probes/connect.js';
import type { Io } from '../ui/io.js';
import type { Progress } from '../ui/progress.js';
import { verbose } from './output.js';
import { sightPooler } from './pooler.js';
import type { Target } from './target.js';

/** An open session on a target, with the server's facts, collected once when it opened. */
export interface TargetSession {
  readonly target: Target;
  readonly facts: ServerFacts;
  /** The read-only session itself, for the probes: commands hand it on and never open one. */
  readonly connection: OpenSession;
}

/**
 * Opens the target's read-only session, collects its facts, runs `use`, and closes the session on every
 * path: an error, a stop, or a signal (the session is tracked so that a second Ctrl-C closes it too).
 * pg and the probes are loaded only here.
 */
export async function withSession<T>(
  target: Target,
  io: Io,
  options: CommonOptions & {
    readonly showQueries?: boolean;
    /** Gives up opening the session when it fires (monitor --listen's stop). */
    readonly stop?: AbortSignal;
  },
  use: (session: TargetSession) => Promise<T>,
  progress?: Progress,
): Promise<T> {
  const { endpoint } = target;
  const [{ openSession }, { collectServerFacts }] = await Promise.all([
    import('../probes/connect.js'),
    import('../probes/facts.js'),
  ]);
  await progress?.step(`connecting to ${endpoint.display}`);
  await verbose(
    io,
    options,
    `connecting to ${endpoint.display} (from ${endpoint.connection.source}, sslmode ${endpoint.connection.sslMode}, connect timeout ${formatDuration(endpoint.sessionOptions.connectTimeoutMs)})`,
  );
  try {
    const sessionOptions = options.stop
      ? { ...endpoint.sessionOptions, stop: options.stop }
      : endpoint.sessionOptions;
    const connection = await openSession(endpoint.connection, sessionOptions);
    try {
      const collected = await collectServerFacts(connection.session, {
        showQueries: options.showQueries === true,
      });
      const facts = { ...collected, pooler: await sightPooler(target, collected.route) };
      return await use({ target, facts, connection });
    } finally {
      await connection.close();
    }
  } finally {
    await progress?.done();
  }
}
