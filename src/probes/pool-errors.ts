/** How a pg.Pool request failed: the pool's own timeout, or a server that is gone. */

/** The server went away or refuses everyone: no point driving the pool any longer. */
export function serverGone(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message ?? '';
  return (
    /^(08|57P0)/.test(code) ||
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    /Connection terminated/i.test(message)
  );
}

export function isAcquireTimeout(error: unknown): boolean {
  return /timeout exceeded when trying to connect/i.test((error as Error).message ?? '');
}
