/**
 * `monitor --listen`: samples every target on its own read-only session, every --interval, and serves what
 * the last sample said on /metrics. Meant to run for weeks, so nothing is kept per sample: each target holds
 * only its previous reading and its running totals. A target that cannot be read is reported down
 * (pooltune_up 0) and retried with a growing wait; only a signal ends the run.
 */
import { utilisationFrom } from '../core/health/utilisation.js';
import { PooltuneError } from '../core/errors.js';
import { EXIT_CODE } from '../core/exit-codes.js';
import { nextRetryDelay, RETRY_BACKOFF, type ListenAddress } from '../core/metrics/listen.js';
import { listenSampler } from '../core/monitor/listen-sampler.js';
import { hasSessionCounters } from '../core/server-facts.js';
import { formatDuration } from '../core/units.js';
import { sleepUnlessStopped, untilStopped } from '../ui/interrupt.js';
import { sampleSlots } from './sample-slots.js';
import type { Io } from '../ui/io.js';
import { createMetricsRegistry, type MetricsRegistry } from './metrics-registry.js';
import { serveMetrics } from './metrics-server.js';
import { watchMonitorPooler } from './monitor-pooler.js';
import { withSession } from './session.js';
import type { NamedTarget } from './targets.js';
import type { CommonOptions } from '../cli/flags/common.js';

export interface ListenOptions extends CommonOptions {
  readonly listen: ListenAddress;
  readonly intervalMs: number;
}

const seconds = (ms: number) => Math.round(ms) / 1000;

/**
 * One session's worth of sampling: opens it, reads the baseline, then samples until `stop`. Returns when
 * stopped; throws when the target cannot be read (the caller reports it down and retries).
 */
async function sampleTarget(
  named: NamedTarget,
  io: Io,
  options: ListenOptions,
  registry: MetricsRegistry,
  stop: AbortSignal,
  onUp: () => Promise<void>,
): Promise<void> {
  const { readMonitorReading } = await import('../probes/monitor.js');
  await withSession(
    named.target,
    io,
    { ...options, showQueries: false, stop },
    async ({ facts, connection }) => {
      const { usableSlots, canSeeOthers } = utilisationFrom(facts);
      const readingOptions = {
        canSeeOthers,
        hasSessionCounters: hasSessionCounters(facts),
        serverVersionNum: facts.serverVersionNum,
        showQueries: false,
      };
      const watch = await watchMonitorPooler(named.target, facts);
      try {
        const baseline = await readMonitorReading(connection.session, readingOptions);
        await watch?.baseline();
        const sampler = listenSampler(baseline, {
          usableSlots,
          ownTransactionEnd: facts.route.throughPooler ? 'rolledBack' : 'committed',
        });
        await onUp();
        const slots = sampleSlots(baseline.at, options.intervalMs, stop);
        while (!(await slots.next()).done) {
          const began = performance.now();
          const current = await readMonitorReading(connection.session, readingOptions);
          const { set, add } = sampler.next(current, await watch?.sample());
          registry.sampled(named.name, { set, add }, seconds(performance.now() - began));
        }
      } finally {
        await watch?.close();
      }
    },
  );
}

/** Samples `named` until `stop`, through every outage: down is a state to report, not an end. */
async function watchTarget(
  named: NamedTarget,
  io: Io,
  options: ListenOptions,
  registry: MetricsRegistry,
  stop: AbortSignal,
): Promise<void> {
  let delay: number | undefined;
  let downSince: string | undefined;
  registry.down(named.name, undefined);
  while (!stop.aborted) {
    const began = performance.now();
    try {
      await sampleTarget(named, io, options, registry, stop, async () => {
        if (downSince !== undefined) await io.stderr.write(`pooltune: ${named.name} is up again\n`);
        delay = undefined;
        downSince = undefined;
      });
    } catch (error) {
      // Stopped mid-attempt (a connect given up, a reading cut short): the stop, not an outage.
      if (stop.aborted) return;
      // Anything but pooltune's own explained errors is a bug: it ends the run rather than loop on it.
      if (!(error instanceof PooltuneError) || error.exitCode === EXIT_CODE.cancelled) throw error;
      registry.down(named.name, seconds(performance.now() - began));
      delay = nextRetryDelay(delay);
      // One line when the target goes down and when the reason changes, not one per retry.
      if (downSince !== error.message)
        await io.stderr.write(
          `pooltune: ${named.name} is down: ${error.message}; retrying in ${formatDuration(delay)}, then less often, up to every ${formatDuration(RETRY_BACKOFF.maxMs)}\n`,
        );
      downSince = error.message;
      await sleepUnlessStopped(delay, stop);
    }
  }
}

/**
 * Serves /metrics until SIGINT or SIGTERM, then closes every session and the server. Returns the exit
 * code: 0, since a service told to stop has done what it was asked.
 */
export async function runMonitorListen(
  targets: readonly NamedTarget[],
  options: ListenOptions,
  io: Io,
): Promise<number> {
  const registry = await createMetricsRegistry();
  const server = await serveMetrics(options.listen, registry);
  await io.stderr.write(
    `pooltune: serving http://${server.address}/metrics for ${targets.map((t) => t.name).join(', ')}, a sample every ${formatDuration(options.intervalMs)}\n`,
  );
  let stoppedBy: string | null = null;
  try {
    ({ stoppedBy } = await untilStopped((stop) =>
      Promise.all(targets.map((named) => watchTarget(named, io, options, registry, stop))),
    ));
  } finally {
    await server.close();
  }
  await io.stderr.write(
    `pooltune: stopped by ${stoppedBy ?? 'request'}; sessions and the metrics server closed\n`,
  );
  return EXIT_CODE.ok;
}
