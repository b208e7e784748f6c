/** How a pool request or a --query failed: the pool's own timeout, a server that is gone, a refused query. */
import { UsageError } from '../core/errors.js';

/** The server went away or refuses everyone: no point driving the pool any longer. */
export function serverGone(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message ?? '';
  return (
    /^(08|57P0)/.test(code) ||
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    (/Connection terminated/i.test(message) && !isAcquireTimeout(error))
  );
}

/**
 * The pool's acquire timeout ran out. pg-pool applies it both to waiting for a free connection and to
 * opening a new one; a new connection that takes too long is ended by pg "due to connection timeout",
 * which on a busy machine is a slow acquisition, not a server that went away.
 */
export function isAcquireTimeout(error: unknown): boolean {
  return /timeout exceeded when trying to connect|terminated due to connection timeout/i.test(
    (error as Error).message ?? '',
  );
}

/**
 * A --query the server refused because of the query itself: writing on a read-only session (25006) or a
 * syntax or access error (class 42). Trying it again will not help, so it is a usage error.
 */
export function refusedQuery(error: unknown, command: string): UsageError | undefined {
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message?.split('\n')[0] ?? String(error);
  if (code === '25006')
    return new UsageError(`--query was refused: ${message}; ${command} runs read-only queries only`);
  if (/^42/.test(code)) return new UsageError(`--query failed (SQLSTATE ${code}): ${message}`);
  return undefined;
}
