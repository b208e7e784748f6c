/**
 * The HTTP server of `monitor --listen`: /metrics for Prometheus, /healthz for the orchestrator (200 while
 * the process serves). Nothing else is served, and nothing is read from a request but its method and path.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UsageError } from '../core/errors.js';
import { formatListenAddress, type ListenAddress } from '../core/metrics/listen.js';
import type { MetricsRegistry } from './metrics-registry.js';

export interface MetricsServer {
  /** The address it is bound to, port 0 resolved: `127.0.0.1:9187`. */
  readonly address: string;
  close(): Promise<void>;
}

function handler(registry: MetricsRegistry) {
  return (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('ok\n');
      return;
    }
    if (path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('see /metrics\n');
      return;
    }
    registry.text().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => response.writeHead(500).end(),
    );
  };
}

/** Binds `listen`; an address that cannot be bound (in use, not this host's, not allowed) is a usage error. */
export async function serveMetrics(listen: ListenAddress, registry: MetricsRegistry): Promise<MetricsServer> {
  const server: Server = createServer(handler(registry));
  // A scraper that keeps its connection open must not hold the process at SIGTERM.
  server.keepAliveTimeout = 5_000;
  const wanted = formatListenAddress(listen.host || '*', listen.port);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new UsageError(`cannot listen on ${wanted}: ${error.code ?? error.message}`, [
          error.code === 'EADDRINUSE'
            ? 'another process uses that port: pick another, or port 0 for any free one'
            : 'give an address of this host, such as 127.0.0.1:9187 or :9187 for every interface',
        ]),
      ),
    );
    server.listen(listen.port, listen.host === '' ? undefined : listen.host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  return {
    address: formatListenAddress(bound.address, bound.port),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
