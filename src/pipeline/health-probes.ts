import type { CommonOptions } from '../cli/flags/common.js';
import type { SchemaObservation } from '../core/checks/index.js';
import { HEALTH_PROBE } from '../core/guide.js';
import { churnBetween } from '../core/health/churn.js';
import type { HealthMetrics } from '../core/health/metrics.js';
import { probeBudget, utilisationFrom } from '../core/health/utilisation.js';
import { hasSessionCounters } from '../core/server-facts.js';
import type { SchemaSpec } from '../core/schema/types.js';
import type { Io } from '../ui/io.js';
import type { Progress } from '../ui/progress.js';
import { verbose } from './output.js';
import { poolerWindowSince } from './pooler.js';
import type { PoolerFacts } from '../core/pooler/facts.js';
import type { PoolerWindow } from '../core/pooler/window.js';
import type { TargetSession } from './session.js';
import { refuseQueryThatLeavesState } from './user-query.js';

export { DEFAULT_PROBE_QUERY } from '../probes/health.js';

/** What one health run measured on an open session. */
export interface HealthRun {
  readonly metrics: HealthMetrics;
  readonly peakConnections: number;
  /** With a schema spec: what the catalogs hold, for the schema checks. */
  readonly schema?: SchemaObservation;
  /** The pooler's console read again after the probes, for its checks to judge the probe's window. */
  readonly poolerAfter?: { readonly facts: PoolerFacts; readonly window: PoolerWindow };
}

export interface ProbeSettings {
  readonly probeConnections: number;
  readonly durationMs: number;
  readonly samples: number;
  readonly query: string;
  /** The longest the uncounted warm-up may take (the guide's default when absent). */
  readonly warmupMaxMs?: number;
  readonly schemaSpec?: SchemaSpec;
  /** Ctrl-C: the probe under way ends early, the later ones do not run, and what was measured is kept. */
  readonly stop?: AbortSignal;
}

/** health's probes, in order, on an open session whose facts are collected; preflight runs them too. */
export async function probeHealth(
  session: TargetSession,
  settings: ProbeSettings,
  io: Io,
  options: CommonOptions,
  progress: Progress,
): Promise<HealthRun> {
  const { connection: opened, facts, target } = session;
  const probes = await import('../probes/health.js');
  if (settings.query !== probes.DEFAULT_PROBE_QUERY)
    await refuseQueryThatLeavesState(session, settings.query);
  const started = performance.now();
  const withCounters = hasSessionCounters(facts);
  const before = withCounters ? await probes.readSessionCounters(opened.session) : undefined;
  const utilisation = utilisationFrom(facts);
  const budget = probeBudget(settings.probeConnections, facts);
  const extraConnects = Math.max(0, Math.min(HEALTH_PROBE.connectSamples, budget.free - budget.margin));
  await verbose(
    io,
    options,
    `${budget.free} free ${budget.slotsOf === 'pooler' ? 'client slots on the pooler' : 'slots'}, keeping ${budget.margin} spare: pool probe of ${budget.size}, ${extraConnects} extra connect samples`,
  );

  await progress.step('timing fresh connections');
  const stop = settings.stop;
  const connectivity = await probes.measureConnectivity(opened, extraConnects, stop);

  await progress.step(
    `driving a pool of ${budget.size} with ${budget.size * HEALTH_PROBE.callersPerConnection} callers for ${settings.durationMs}ms`,
  );
  const acquisition = stop?.aborted
    ? null
    : await probes.measureAcquisition(
        opened,
        {
          poolSize: budget.size,
          callers: budget.size * HEALTH_PROBE.callersPerConnection,
          requestedPoolSize: settings.probeConnections,
          ...(budget.slotsOf === 'pooler' ? { boundBy: 'pooler' as const } : {}),
          durationMs: settings.durationMs,
          acquireTimeoutMs: Math.min(
            target.endpoint.sessionOptions.connectTimeoutMs,
            HEALTH_PROBE.acquireTimeoutCapMs,
          ),
          query: settings.query,
        },
        stop,
      );

  await progress.step(`timing ${settings.samples} round trips`);
  const queryLatency = await probes.measureQueryLatency(
    opened.session,
    settings.samples,
    settings.query,
    settings.warmupMaxMs,
    stop,
  );
  const after = withCounters ? await probes.readSessionCounters(opened.session) : undefined;
  const churn = before && after ? churnBetween(before, after, extraConnects + budget.size) : null;

  const spec = stop?.aborted ? undefined : settings.schemaSpec;
  if (spec) await progress.step('verifying the schema');
  const catalog = spec
    ? await (await import('../probes/schema.js')).readCatalog(opened.session, spec)
    : undefined;
  const pooler = await poolerWindowSince(target, facts.pooler, started);
  return {
    ...(pooler ? { poolerAfter: pooler } : {}),
    metrics: {
      ...(pooler ? { poolerWindow: pooler.window } : {}),
      connectivity,
      acquisition,
      queryLatency,
      utilisation,
      churn,
      throughPooler: facts.route.throughPooler,
    },
    peakConnections: Math.max(extraConnects > 0 ? 2 : 1, 1 + budget.size),
    ...(spec && catalog ? { schema: { spec, catalog } } : {}),
  };
}
