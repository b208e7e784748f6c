/**
 * One application instance of `bench --instances N`, in a worker thread of its own: its own pg.Pool and
 * event loop, driven by the same driveLoad as a single-instance bench, read-only and bounded the same way.
 * It stops when the main thread says so and closes its pool on every path (driveLoad does).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PooltuneError, ConnectionError } from '../core/errors.js';
import { redact } from '../core/sessions/query-text.js';
import { driveLoad, type LoadAccess } from './bench.js';
import { probeAccessFrom } from './connect.js';
import type { FleetWorkerData, FromWorker, SentError, ToWorker } from './fleet-protocol.js';

const data = workerData as FleetWorkerData;
const port = parentPort;

const masked = (text: string): string => redact(text, data.secrets);

function sent(error: unknown): SentError {
  if (error instanceof PooltuneError)
    return {
      name: error.name,
      message: masked(error.message),
      exitCode: error.exitCode,
      hints: error.hints.map(masked),
      ...(error instanceof ConnectionError && error.code !== undefined ? { code: error.code } : {}),
    };
  const message = error instanceof Error ? error.message : String(error);
  return { name: error instanceof Error ? error.name : 'Error', message: masked(message) };
}

async function main(): Promise<void> {
  if (!port) throw new Error('fleet-worker runs only as a worker thread');
  const post = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  const stop = new AbortController();
  let nextCancel = 0;
  const cancels = new Map<number, () => void>();
  port.on('message', (message: ToWorker) => {
    if (message.kind === 'stop') stop.abort();
    else cancels.get(message.id)?.();
  });
  try {
    const probes = await probeAccessFrom(data.spec);
    const access: LoadAccess = {
      ...probes,
      cancelBackends: (pids) =>
        new Promise<void>((resolve) => {
          const id = nextCancel++;
          cancels.set(id, resolve);
          post({ kind: 'cancel', id, pids });
        }),
    };
    const run = await driveLoad(access, data.pool, data.load, {
      stop: stop.signal,
      onProgress: (progress) => post({ kind: 'progress', progress }),
      keepRaw: true,
    });
    if (!run.raw) throw new Error('driveLoad kept no raw measurement');
    const { log } = run.raw;
    post(
      {
        kind: 'done',
        stoppedEarly: run.stoppedEarly,
        peakPoolConnections: run.peakPoolConnections,
        raw: run.raw,
      },
      [log.lag.buffer, log.acquire.buffer, log.query.buffer] as ArrayBuffer[],
    );
  } catch (error) {
    post({ kind: 'failed', error: sent(error) });
  } finally {
    // Nothing more to hear: the thread ends once its pool's sockets are closed.
    port.removeAllListeners('message');
    port.unref();
  }
}

void main();
