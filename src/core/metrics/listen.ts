/**
 * `monitor --listen`'s address and the retry schedule of a target that went away. Pure: the server and the
 * loop live in pipeline/monitor-listen.ts.
 */

export interface ListenAddress {
  /** The interface to bind; '' for every interface (`:9187`). */
  readonly host: string;
  /** 0: any free port (the bound one is printed). */
  readonly port: number;
}

/**
 * `host:port`, `[v6]:port` or `:port`; undefined for anything else. The host is not resolved here: a name
 * that does not resolve is reported when the server binds.
 */
export function parseListenAddress(text: string): ListenAddress | undefined {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]*)):(\d{1,5})$/.exec(text.trim());
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port > 65_535) return undefined;
  return { host: match[1] ?? match[2] ?? '', port };
}

/** host:port as a URL's authority: brackets around an IPv6 address. */
export function formatListenAddress(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** The first wait before retrying a target that went away, and the most it grows to. */
export const RETRY_BACKOFF = { firstMs: 1_000, maxMs: 30_000 } as const;

/** The wait after `previousMs` (undefined: the first failure): doubling, capped. */
export function nextRetryDelay(previousMs: number | undefined): number {
  if (previousMs === undefined) return RETRY_BACKOFF.firstMs;
  return Math.min(RETRY_BACKOFF.maxMs, previousMs * 2);
}
