/**
 * `bench --instances N`: N application instances, each a worker thread with its own pg.Pool and its own
 * event loop (one loop was the single bench's limit), all loading the same target as a real fleet does.
 * The main thread keeps the one read-only session: it cancels the workers' queries after a stop, and no
 * worker opens anything but its pool.
 */
import { Worker } from 'node:worker_threads';
import type { InstanceInput } from '../core/bench/fleet.js';
import type { Load } from '../core/bench/load.js';
import type { PoolUnderTest } from '../core/bench/pool.js';
import { ConnectionError, PooltuneError } from '../core/errors.js';
import type { ExitCode } from '../core/exit-codes.js';
import { loadAccessOf, type BenchProgress } from './bench.js';
import type { OpenSession } from './connect.js';
import {
  workerUrl,
  type FleetWorkerData,
  type FromWorker,
  type SentError,
  type ToWorker,
} from './fleet-protocol.js';
import { track } from './open-connections.js';

export interface FleetInstanceRun {
  readonly raw: InstanceInput;
  readonly stoppedEarly: boolean;
  readonly peakPoolConnections: number;
}

export interface FleetHooks {
  readonly stop: AbortSignal;
  /** The fleet's progress: requests added up, the worst instance's p99. */
  readonly onProgress?: (progress: BenchProgress) => void;
}

// How long a worker asked to stop gets to close its pool before it is terminated.
const STOP_GRACE_MS = 3000;

function received(error: SentError): PooltuneError | Error {
  if (error.exitCode === undefined) return new Error(error.message);
  if (error.name === 'ConnectionError') return new ConnectionError(error.message, error.code, error.hints);
  const rebuilt = new PooltuneError(error.message, error.exitCode as ExitCode, error.hints);
  rebuilt.name = error.name;
  return rebuilt;
}

/** The fleet's live view from each instance's latest report. */
function fleetProgress(latest: readonly (BenchProgress | undefined)[]): BenchProgress | undefined {
  const all = latest.filter((p): p is BenchProgress => p !== undefined);
  const first = all[0];
  if (!first) return undefined;
  return {
    phase: all.every((p) => p.phase === 'measuring') ? 'measuring' : 'warm-up',
    elapsedMs: Math.min(...all.map((p) => p.elapsedMs)),
    durationMs: first.durationMs,
    completed: all.reduce((n, p) => n + p.completed, 0),
    throughputPerSecond: all.reduce((n, p) => n + p.throughputPerSecond, 0),
    recentP99Ms: Math.max(...all.map((p) => p.recentP99Ms)),
  };
}

/**
 * Runs one worker per load in `loads`, each driving a pool shaped as `pool`. Resolves with every instance's
 * raw measurement; if any instance fails, the others are stopped (their pools closed) and the first
 * failure is thrown.
 */
export async function driveFleet(
  opened: OpenSession,
  pool: PoolUnderTest,
  loads: readonly Load[],
  hooks: FleetHooks,
): Promise<FleetInstanceRun[]> {
  const spec = opened.probeSpec();
  const { password } = spec.target;
  const secrets = password ? [password] : [];
  const { cancelBackends } = loadAccessOf(opened);
  const url = workerUrl(import.meta.url);
  const latest: (BenchProgress | undefined)[] = loads.map(() => undefined);
  let failure: Error | undefined;
  const workers: Worker[] = [];
  const stopAll = () => {
    for (const worker of workers) worker.postMessage({ kind: 'stop' } satisfies ToWorker);
  };
  const onStop = () => stopAll();
  hooks.stop.addEventListener('abort', onStop, { once: true });

  const runs = loads.map((load, index) => {
    const data: FleetWorkerData = { index, spec, pool, load, secrets };
    const worker = new Worker(url, { workerData: data });
    workers.push(worker);
    if (hooks.stop.aborted) worker.postMessage({ kind: 'stop' } satisfies ToWorker);
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    // A second Ctrl-C closes what is open: ask the worker to close its pool, then end it.
    const untrack = track(async () => {
      worker.postMessage({ kind: 'stop' } satisfies ToWorker);
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref())]);
      await worker.terminate();
    });
    return new Promise<FleetInstanceRun | undefined>((resolve) => {
      let result: FleetInstanceRun | undefined;
      // Once it has answered, a worker ends when its pool's sockets close; one that a dead server keeps
      // waiting is ended after a grace, so that the report is never held up by it.
      let ending: NodeJS.Timeout | undefined;
      const answered = () => {
        ending ??= setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
      };
      const fail = (error: Error) => {
        failure ??= error;
        stopAll();
      };
      worker.on('message', (message: FromWorker) => {
        switch (message.kind) {
          case 'progress': {
            latest[index] = message.progress;
            const combined = index === 0 ? fleetProgress(latest) : undefined;
            if (combined) hooks.onProgress?.(combined);
            return;
          }
          case 'cancel':
            void cancelBackends(message.pids)
              .catch(() => undefined)
              .finally(() => worker.postMessage({ kind: 'cancelled', id: message.id } satisfies ToWorker));
            return;
          case 'done':
            answered();
            result = {
              raw: message.raw,
              stoppedEarly: message.stoppedEarly,
              peakPoolConnections: message.peakPoolConnections,
            };
            return;
          case 'failed':
            answered();
            fail(received(message.error));
        }
      });
      worker.on('error', (error) => fail(error));
      worker.once('exit', (code) => {
        clearTimeout(ending);
        untrack();
        if (!result && !failure)
          fail(new Error(`bench instance ${index + 1} ended without a result (exit ${code})`));
        resolve(result);
      });
    });
  });
  try {
    const results = await Promise.all(runs);
    if (failure) throw failure;
    return results.filter((r): r is FleetInstanceRun => r !== undefined);
  } finally {
    hooks.stop.removeEventListener('abort', onStop);
  }
}
