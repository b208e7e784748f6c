import { createServer, type Server, type Socket } from 'node:net';

/** A TCP listener that accepts connections and never says a word: a hung server, or the wrong service. */
export async function startSilentListener(): Promise<{
  port: number;
  /** Resolves once a client has connected: it is now waiting for an answer that never comes. */
  connected: Promise<void>;
  close: () => Promise<void>;
}> {
  const sockets = new Set<Socket>();
  let resolveConnected = () => {};
  const connected = new Promise<void>((resolve) => (resolveConnected = resolve));
  const server: Server = createServer((socket) => {
    resolveConnected();
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    connected,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
