import { UsageError } from '../core/errors.js';
import { exitCodeFor } from '../core/exit-codes.js';
import {
  describeLoad,
  statementTimeoutFor,
  type Arrivals,
  type Load,
  type Work,
} from '../core/bench/load.js';
import { poolUnderTest, type PoolOverrides, type PoolUnderTest } from '../core/bench/pool.js';
import { modelFor } from '../core/bench/prediction.js';
import { evaluateBench } from '../core/bench/rules.js';
import { probePoolSize, utilisationFrom } from '../core/health/utilisation.js';
import type { ServerFacts } from '../core/server-facts.js';
import { budgetFromServer, recommendPool } from '../core/sizing.js';
import { failOnWithPlan, findService, loadPlan, planForService } from '../config/load-plan.js';
import type { PlanConfig } from '../core/plan/config.js';
import type { OpenSession } from '../probes/connect.js';
import type { BenchProgress } from '../probes/bench.js';
import type { BenchReport, BenchRunReport } from '../report/bench-report.js';
import { SIGNAL_EXIT_CODES, stoppable, type StopSignal } from '../ui/interrupt.js';
import { isInteractive, type Io } from '../ui/io.js';
import { progressOn, type Progress } from '../ui/progress.js';
import { isLocalTarget } from '../probes/target.js';
import { verbose, writeReport, type CommonOptions } from './common.js';
import { resolveDatabase, type DatabaseOptions } from './database.js';

/** Which pool to drive: a plan service, a workload's recommendation, or flags alone; flags win. */
export interface PoolSelection {
  readonly service?: string;
  readonly workload?: string;
  readonly concurrency?: number;
  readonly instances?: number;
  readonly overrides: PoolOverrides;
  /** How the user wrote it, for the column heading: `--pool-max 8`. */
  readonly spelled: string;
}

export interface BenchOptions extends CommonOptions, DatabaseOptions {
  readonly config?: string;
  readonly failOnGiven: boolean;
  readonly pool: PoolSelection;
  readonly compare?: PoolSelection;
  /** Absent: a closed loop of as many clients as the pool under test has connections. */
  readonly arrivals?: Arrivals;
  readonly work: Work;
  readonly durationMs: number;
  readonly warmupMs: number;
  /** Load a server that is not on this machine without asking. */
  readonly yes: boolean;
}

const DEFAULT_WORKLOAD = 'oltp';

async function confirmRemoteLoad(options: BenchOptions, display: string, io: Io): Promise<void> {
  if (options.yes) return;
  if (!isInteractive(io)) {
    throw new UsageError(
      `bench would put load on ${display}, which is not on this machine; pass --yes to go ahead`,
    );
  }
  const { askToConfirm } = await import('../ui/prompts.js');
  if (!(await askToConfirm(`Put load on ${display} (not on this machine) for a while?`))) {
    throw new UsageError('bench was not confirmed; nothing was run');
  }
}

async function planFor(options: BenchOptions, io: Io): Promise<PlanConfig | undefined> {
  const wantsService = options.pool.service !== undefined || options.compare?.service !== undefined;
  if (!wantsService && options.config === undefined) return undefined;
  const plan = await loadPlan(options.config, io.cwd);
  return wantsService ? planForService(plan) : plan;
}

/** The pool a selection stands for, on this server. */
async function resolvePool(
  selection: PoolSelection,
  plan: PlanConfig | undefined,
  facts: ServerFacts,
  io: Io,
): Promise<PoolUnderTest> {
  const { overrides } = selection;
  if (selection.service !== undefined) {
    const service = findService(planForService(plan), selection.service);
    return poolUnderTest(selection.spelled, `service ${service.name} of the plan`, service.pool, overrides);
  }
  if (selection.workload === undefined && overrides.maxConnections !== undefined) {
    return poolUnderTest(selection.spelled, 'the flags, with the guide’s defaults for the rest', undefined, {
      ...overrides,
      maxConnections: overrides.maxConnections,
    });
  }
  const { loadWorkload } = await import('../config/load-workload.js');
  const preset = await loadWorkload(selection.workload ?? DEFAULT_WORKLOAD, io.cwd);
  const { recommendation } = recommendPool({
    preset,
    ...(selection.concurrency === undefined ? {} : { concurrency: selection.concurrency }),
    instances: selection.instances ?? 1,
    budget: budgetFromServer(facts, false),
  });
  return poolUnderTest(
    selection.spelled || `${preset.name} recommendation`,
    `pooltune recommend for the ${preset.name} workload on this server`,
    recommendation.pool,
    overrides,
  );
}

/**
 * The pool may not take the server's last free slots: what the health probe would shrink to is the most
 * bench will drive, and it refuses rather than test a different pool than the one asked for.
 */
function ensureRoomFor(pools: readonly PoolUnderTest[], facts: ServerFacts): void {
  const utilisation = utilisationFrom(facts);
  for (const pool of pools) {
    const room = probePoolSize(pool.maxConnections, utilisation);
    if (room.size >= pool.maxConnections) continue;
    throw new UsageError(
      `a pool of ${pool.maxConnections} (${pool.label}) would take the server's last free slots: ${Math.max(0, room.free)} are free for ordinary roles and bench leaves ${room.margin} of them to others`,
      [
        room.size > 0
          ? `bench a pool of at most ${room.size} here (--pool-max ${room.size}), or free connections first`
          : 'free connections on the server first, or bench against a server with room to spare',
      ],
    );
  }
}

function progressLine(label: string, p: BenchProgress): string {
  const width = 20;
  const filled = Math.round((p.elapsedMs / Math.max(1, p.durationMs)) * width);
  const bar = `${'='.repeat(Math.min(width, filled))}${' '.repeat(Math.max(0, width - filled))}`;
  const phase = p.phase === 'warm-up' ? 'warm-up  ' : 'measuring';
  return `${label} ${phase} [${bar}] ${(p.elapsedMs / 1000).toFixed(1)}s  ${Math.round(p.throughputPerSecond)} req/s  p99 ${p.recentP99Ms.toFixed(1)}ms`;
}

async function runOne(
  opened: OpenSession,
  pool: PoolUnderTest,
  load: Load,
  stop: AbortSignal,
  progress: Progress,
): Promise<BenchRunReport> {
  const { driveLoad } = await import('../probes/bench.js');
  // Progress writes are asynchronous; chained, so that the last one lands before the line is cleared.
  let last = Promise.resolve();
  const run = await driveLoad(opened, pool, load, {
    stop,
    onProgress: (p: BenchProgress) =>
      void (last = last.then(() => progress.step(progressLine(pool.label, p)))),
  });
  await last;
  await progress.done();
  return {
    pool,
    measurement: run.measurement,
    model: modelFor(run.measurement, pool, load),
    findings: evaluateBench(run.measurement, pool, load),
    stoppedEarly: run.stoppedEarly,
    peakConnections: run.peakPoolConnections + 1,
  };
}

/** `pooltune bench`: a real pg.Pool under a chosen load, measured, judged by the guide's thresholds. */
export async function runBench(initial: BenchOptions, io: Io, pooltuneVersion: string): Promise<number> {
  const plan = await planFor(initial, io);
  const options: BenchOptions = {
    ...initial,
    ...(plan ? { failOn: failOnWithPlan(initial, plan) } : {}),
    ...(plan?.urlEnv && initial.urlEnv === undefined ? { urlEnv: plan.urlEnv } : {}),
  };
  const resolved = resolveDatabase(options, io);
  if (!isLocalTarget(resolved.target)) await confirmRemoteLoad(options, resolved.display, io);
  const db = {
    ...resolved,
    sessionOptions: { ...resolved.sessionOptions, statementTimeoutMs: statementTimeoutFor(options.work) },
  };

  const [{ openSession }, { collectServerFacts }] = await Promise.all([
    import('../probes/connect.js'),
    import('../probes/facts.js'),
  ]);
  await verbose(io, options, `connecting to ${db.display} (from ${db.target.source})`);
  const opened = await openSession(db.target, db.sessionOptions);
  const controller = new AbortController();
  let stoppedBy: StopSignal | undefined;
  let runs: BenchRunReport[] = [];
  let facts: ServerFacts;
  let load: Load;
  try {
    facts = await collectServerFacts(opened.session);
    const first = await resolvePool(options.pool, plan, facts, io);
    const pools = [first, ...(options.compare ? [await resolvePool(options.compare, plan, facts, io)] : [])];
    ensureRoomFor(pools, facts);
    // Both configurations get the same load: by default as many callers as the first pool has connections.
    load = {
      arrivals: options.arrivals ?? { kind: 'closed', clients: first.maxConnections },
      work: options.work,
      durationMs: options.durationMs,
      warmupMs: options.warmupMs,
    };
    await verbose(io, options, `load: ${describeLoad(load)}`);
    const progress = progressOn(io, options.format === 'text' && !options.quiet);
    runs = await stoppable(
      (signal) => {
        stoppedBy = signal;
        controller.abort();
      },
      async () => {
        const done: BenchRunReport[] = [];
        for (const pool of pools) {
          if (controller.signal.aborted) break;
          await verbose(io, options, `driving ${pool.label}: ${pool.origin}`);
          done.push(await runOne(opened, pool, load, controller.signal, progress));
        }
        return done;
      },
    );
  } finally {
    await opened.close();
  }
  if (stoppedBy)
    await io.stderr.write(`pooltune: stopped by ${stoppedBy}; the report covers what was measured\n`);

  const findings = runs[0]?.findings ?? [];
  const exitCode = stoppedBy ? SIGNAL_EXIT_CODES[stoppedBy] : exitCodeFor(findings, options.failOn);
  const report: BenchReport = {
    command: 'bench',
    target: db.display,
    serverVersion: facts.serverVersion,
    load,
    runs,
    findings,
    skipped: [],
    failOn: options.failOn,
    exitCode,
    stoppedBy: stoppedBy ?? null,
  };
  await writeReport(io, options, pooltuneVersion, async () =>
    (await import('../report/documents/bench.js')).benchDocument(report),
  );
  return exitCode;
}
