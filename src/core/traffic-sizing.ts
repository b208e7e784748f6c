import { MAX_CONNECTIONS_SETTING, settingFixFor } from './checks/fix.js';
import { plural } from './plural.js';
import { pooledChainFinding } from './checks/pooled-sizing.js';
/**
 * Sizing a pool from traffic rather than from a guess at concurrency. Little's law turns a request rate and a
 * connection hold time into the mean number of busy connections A = R × S; a queueing model (Erlang C, or
 * Engset for a small fixed set of callers) then says how long requests wait for a connection at each pool
 * size, and the smallest pool that meets the wait target is chosen, within the server budget.
 */
import { activeConnectionBound, type DatabaseHardware } from './cpu-bound.js';
import type { Finding } from './findings.js';
import {
  COMFORTABLE_UTILISATION,
  CONNECTIONS_PER_CORE,
  DEFAULT_TARGET_PERCENTILE,
  DEFAULT_TARGET_WAIT_MS,
  HEADROOM_FACTOR,
  HIGH_UTILISATION,
  POSTGRES_MAX_CONNECTIONS_LIMIT as MAX_BUSY_CONNECTIONS,
  withHeadroom,
} from './guide.js';
import { predictEngset, predictErlangC, type WaitPrediction } from './queueing/index.js';
import {
  fleetFindings,
  maxConnectionsNeeded,
  recommendPool,
  type SizingInput,
  type SizingResult,
  type TraceStep,
} from './sizing.js';
import { minConnectionsFor } from './workload.js';

export { DEFAULT_TARGET_PERCENTILE, DEFAULT_TARGET_WAIT_MS, HIGH_UTILISATION, MAX_BUSY_CONNECTIONS };

export interface TrafficDemand {
  /** Requests (transactions) per second across the whole fleet; each instance gets an equal share. */
  readonly ratePerSecond: number;
  /** How long one request holds a connection, in ms: its queries plus the application's work in between. */
  readonly holdMs: number;
  readonly targetWaitMs: number;
  /** 0 < p < 100. */
  readonly targetPercentile: number;
  /** A fixed number of callers per instance (a worker pool of N threads): switches to the Engset model. */
  readonly callers?: number;
}

/** What one pool size would give, per instance. Waits are null where the queue grows without bound. */
export interface PoolSizeRow {
  readonly poolSize: number;
  readonly waitProbability: number;
  readonly meanWaitMs: number | null;
  readonly percentileWaitMs: number | null;
  readonly utilisation: number;
  readonly meetsTarget: boolean;
}

export type TrafficModel = 'erlang-c' | 'engset';

export interface TrafficSizing {
  readonly model: TrafficModel;
  readonly ratePerSecond: number;
  readonly ratePerInstance: number;
  readonly holdMs: number;
  readonly targetWaitMs: number;
  readonly targetPercentile: number;
  readonly callers: number | null;
  /** Mean busy connections per instance (Little's law). */
  readonly busyConnections: number;
  readonly fleetBusyConnections: number;
  /** The smallest pool per instance that meets the target, ignoring the budget. */
  readonly neededPoolSize: number;
  /** The guide's formula fed with ceil(busy connections) as its "expected concurrent requests". */
  readonly guide: {
    readonly concurrency: number;
    readonly poolSize: number;
    readonly atPoolSize: PoolSizeRow;
  };
  readonly perInstanceCap: number;
  readonly chosenPoolSize: number;
  /**
   * What set the chosen size: the wait target, the server budget that stopped short of it, or the
   * database's CPU bound, past which more connections only queue on the cores.
   */
  readonly decidedBy: 'traffic' | 'budget' | 'cpu';
  readonly reason: string;
  readonly atChosen: PoolSizeRow;
  /** A few pool sizes around the choice, ascending. */
  readonly table: readonly PoolSizeRow[];
}

export interface TrafficSizingResult extends SizingResult {
  readonly traffic: TrafficSizing;
}

/**
 * The database's cores, when the user gave them, and the busy sessions measured on it. Above the CPU bound
 * queries queue for the cores, so a hold time measured then includes that queueing: sizing from it asks for
 * more connections, which would only deepen the queue.
 */
export interface CpuLimit {
  readonly hardware: DatabaseHardware;
  /** Mean busy sessions on the database while the traffic was measured; absent for given traffic. */
  readonly measuredBusy?: number;
}

/** A request rate or hold time that no model can use; the message names the flag's meaning, not the flag. */
export class TrafficInputError extends Error {}

const round = (n: number, places = 2): number => Math.round(n * 10 ** places) / 10 ** places;

/** `2.8ms`, `0.3ms`, `<0.01ms`, `0ms`, `unbounded`: short enough for a table cell, always with a unit. */
export function formatWaitMs(ms: number | null): string {
  if (ms === null) return 'unbounded';
  if (ms === 0) return '0ms';
  if (ms < 0.01) return '<0.01ms';
  if (ms < 10) return `${round(ms, 2)}ms`;
  if (ms < 1000) return `${round(ms, 1)}ms`;
  return `${round(ms / 1000, 2)}s`;
}

export function formatShare(share: number): string {
  const percent = share * 100;
  if (percent === 0) return '0 %';
  if (percent < 0.1) return '<0.1 %';
  return `${percent < 10 ? round(percent, 1) : Math.round(percent)} %`;
}

function checkDemand(demand: TrafficDemand, instances: number): void {
  if (!(demand.ratePerSecond > 0)) throw new TrafficInputError('the request rate must be above 0');
  if (!(demand.holdMs > 0)) throw new TrafficInputError('the hold time must be above 0');
  if (!(demand.targetPercentile > 0 && demand.targetPercentile < 100)) {
    throw new TrafficInputError('the target percentile must be between 0 and 100, exclusive');
  }
  if (!(demand.targetWaitMs >= 0)) throw new TrafficInputError('the target wait cannot be negative');
  const busy = (demand.ratePerSecond / instances) * (demand.holdMs / 1000);
  if (busy > MAX_BUSY_CONNECTIONS) {
    throw new TrafficInputError(
      `${Math.round(busy)} busy connections per instance (rate × hold time) is more than any PostgreSQL server can run; check the units: --rps is per second, --hold-ms in milliseconds`,
    );
  }
  if (demand.callers !== undefined && busy >= demand.callers) {
    throw new TrafficInputError(
      `${demand.callers} callers per instance cannot keep ${plural(round(busy), 'connection')} busy on average: each caller holds at most one; check the rate, the hold time and the callers`,
    );
  }
}

function predictor(demand: TrafficDemand, instances: number): (poolSize: number) => WaitPrediction {
  const traffic = { ratePerSecond: demand.ratePerSecond / instances, holdMs: demand.holdMs };
  const { callers } = demand;
  return callers === undefined
    ? (servers) => predictErlangC({ ...traffic, servers })
    : (servers) => predictEngset({ ...traffic, servers, callers });
}

function rowFor(prediction: WaitPrediction, demand: TrafficDemand): PoolSizeRow {
  const quantile = prediction.waitQuantileMs(demand.targetPercentile / 100);
  return {
    poolSize: prediction.servers,
    waitProbability: prediction.waitProbability,
    meanWaitMs: prediction.stable ? prediction.meanWaitMs : null,
    percentileWaitMs: prediction.stable ? quantile : null,
    utilisation: Math.min(1, prediction.utilisation),
    meetsTarget: prediction.stable && quantile <= demand.targetWaitMs,
  };
}

/**
 * The smallest pool that meets the target. One exists: waits fall to 0 as the pool grows (or reaches N
 * callers), and they fall monotonically, so a doubling step then bisection finds it in a few dozen models.
 */
function smallestMeeting(row: (size: number) => PoolSizeRow, busy: number): number {
  let low = Math.max(1, Math.floor(busy) + 1);
  if (row(low).meetsTarget) return low;
  let step = 1;
  while (!row(low + step).meetsTarget) {
    low += step;
    step *= 2;
  }
  let high = low + step; // meets; low does not
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (row(mid).meetsTarget) high = mid;
    else low = mid;
  }
  return high;
}

const percentileLabel = (p: number): string => `p${p}`;

function describeRow(row: PoolSizeRow, demand: TrafficDemand): string {
  if (row.percentileWaitMs === null) return 'the queue grows without bound';
  return `the ${percentileLabel(demand.targetPercentile)} wait is ${formatWaitMs(row.percentileWaitMs)} and ${formatShare(row.waitProbability)} of requests wait at all`;
}

function tableSizes(busy: number, needed: number, guide: number, cap: number, callers?: number): number[] {
  const sizes = new Set<number>();
  const top = callers === undefined ? needed + 2 : Math.max(needed, Math.min(needed + 2, callers));
  for (let size = Math.max(1, Math.floor(busy) + 1, needed - 3); size <= top; size++) sizes.add(size);
  for (const extra of [guide, cap]) if (extra >= 1) sizes.add(extra);
  return [...sizes].sort((a, b) => a - b);
}

/**
 * Sizes each instance's pool from traffic. The guide's formula is run beside it with ceil(A) as its
 * "expected concurrent requests" — A is exactly the mean concurrency the guide asks for — and its budget
 * steps supply the per-instance cap that still bounds the choice.
 */
export function recommendPoolFromTraffic(
  input: Omit<SizingInput, 'concurrency'>,
  demand: TrafficDemand,
  cpu?: CpuLimit,
): TrafficSizingResult {
  checkDemand(demand, input.instances);
  const { instances } = input;
  const ratePerInstance = demand.ratePerSecond / instances;
  const busy = (ratePerInstance * demand.holdMs) / 1000;
  const predict = predictor(demand, instances);
  const row = (size: number) => rowFor(predict(size), demand);

  const guideConcurrency = Math.max(1, Math.ceil(busy));
  const guide = recommendPool({ ...input, concurrency: guideConcurrency });
  const cap = guide.recommendation.fleet.perInstanceCap;
  const needed = smallestMeeting(row, busy);
  const withinBudget = Math.max(1, Math.min(needed, cap));
  // The fleet's pools together stop at the CPU bound: beyond it a connection adds a query to the cores'
  // queue, not throughput, and requests had better wait in the pool, where the acquire timeout bounds them.
  const cpuBound = cpu ? activeConnectionBound(cpu.hardware) : undefined;
  const cpuCap = cpuBound === undefined ? undefined : Math.max(1, Math.floor(cpuBound / instances));
  const cpuDecides = cpuCap !== undefined && cpuCap < withinBudget;
  const chosen = cpuDecides ? cpuCap : withinBudget;
  const decidedBy = cpuDecides ? 'cpu' : needed <= cap ? 'traffic' : 'budget';
  const inflated = cpuBound !== undefined && cpu?.measuredBusy !== undefined && cpu.measuredBusy > cpuBound;
  const guideSize = guide.recommendation.pool.maxConnections;
  const atChosen = row(chosen);
  const atGuide = row(guideSize);
  const p = percentileLabel(demand.targetPercentile);
  const target = `${p} wait for a connection of at most ${formatWaitMs(demand.targetWaitMs)}`;

  const guideDemand = withHeadroom(guideConcurrency);
  const guideNote =
    guideDemand > cap
      ? `The guide's formula (ceil(${guideConcurrency} × ${HEADROOM_FACTOR}) = ${guideDemand}) is held to the same cap.`
      : guideSize === needed
        ? `The guide's formula gives the same ${guideSize}.`
        : guideSize < needed
          ? `The guide's formula gives ${guideSize} (${guideConcurrency} concurrent requests + ${Math.round((HEADROOM_FACTOR - 1) * 100)} % headroom), where ${describeRow(atGuide, demand)}: too little headroom at this size.`
          : `The guide's formula gives ${guideSize}, more than the traffic needs.`;
  const cpuWhy =
    cpu && cpuBound !== undefined
      ? inflated
        ? `${round(cpu.measuredBusy ?? 0)} sessions were busy on average while the traffic was measured, more than the ${cpuBound} the database's cores run well (${cpuFormula(cpu.hardware)}): the measured hold time includes queueing on the server, so the traffic looks as if it needs ${needed} connections per instance`
        : `the ${needed} connections per instance the traffic asks for would let the fleet run ${needed * instances} queries at once, more than the ${cpuBound} the database's cores run well (${cpuFormula(cpu.hardware)})`
      : '';
  const reason =
    decidedBy === 'cpu'
      ? `The database's CPU decided: ${cpuWhy}. More connections would only queue on the cores, so each instance stops at ${chosen} and requests wait in the pool instead. ${guideNote}`
      : decidedBy === 'traffic'
        ? `The traffic decided: ${needed} is the smallest pool with a ${target}; at ${needed} ${describeRow(atChosen, demand)}. ${guideNote}`
        : `The ${input.pooler ? "pooler's client limit" : 'server budget'} decided: the traffic needs ${plural(needed, 'connection')} per instance for a ${target}, but the budget caps each instance at ${cap}; at ${chosen} ${describeRow(atChosen, demand)}. ${guideNote}`;

  const model: TrafficModel = demand.callers === undefined ? 'erlang-c' : 'engset';
  const modelName = model === 'erlang-c' ? 'Erlang C' : `Engset, ${demand.callers} callers`;
  const guideTrace = guide.recommendation.trace;
  const budgetSteps = guideTrace.slice(0, guideTrace.findIndex((s) => s.label === 'cap per instance') + 1);
  const steps: TraceStep[] = [...budgetSteps];
  if (instances > 1) {
    steps.push({
      label: 'rate per instance',
      formula: 'requests per second ÷ instances',
      computation: `${round(demand.ratePerSecond)} ÷ ${instances}`,
      value: round(ratePerInstance),
    });
  }
  steps.push({
    label: 'busy connections',
    formula: "rate per instance × hold time (Little's law)",
    computation: `${round(ratePerInstance)}/s × ${round(demand.holdMs)}ms`,
    value: round(busy),
  });
  const before = needed > Math.floor(busy) + 1 ? row(needed - 1) : undefined;
  const limit = formatWaitMs(demand.targetWaitMs);
  steps.push({
    label: 'pool for the target',
    formula: `smallest pool with ${p} wait ≤ ${formatWaitMs(demand.targetWaitMs)} (${modelName})`,
    computation: [
      ...(before ? [`at ${needed - 1}: ${formatWaitMs(before.percentileWaitMs)} > ${limit}`] : []),
      `at ${needed}: ${formatWaitMs(row(needed).percentileWaitMs)} ≤ ${limit}`,
    ].join(', '),
    value: needed,
  });
  if (cpu && cpuCap !== undefined) {
    const { cores, spindles } = cpu.hardware;
    steps.push({
      label: 'CPU bound per instance',
      formula: `max(1, floor(((cores × ${CONNECTIONS_PER_CORE}) + spindles) ÷ instances))`,
      computation: `max(1, floor((${cores} × ${CONNECTIONS_PER_CORE} + ${spindles}) ÷ ${instances}))`,
      value: cpuCap,
    });
  }
  steps.push(
    cpuCap === undefined
      ? {
          label: 'max_connections',
          formula: 'min(pool for the target, cap per instance)',
          computation: `min(${needed}, ${cap})`,
          value: chosen,
        }
      : {
          label: 'max_connections',
          formula: 'min(pool for the target, cap per instance, CPU bound per instance)',
          computation: `min(${needed}, ${cap}, ${cpuCap})`,
          value: chosen,
        },
  );
  const fraction = input.preset.minConnectionsFraction;
  const minConnections = minConnectionsFor(chosen, fraction);
  steps.push({
    label: 'min_connections',
    formula: 'max(1, round(max_connections × preset fraction))',
    computation: `max(1, round(${chosen} × ${fraction}))`,
    value: minConnections,
  });

  const usable = guide.recommendation.fleet.usableSlots;
  const total = chosen * instances;
  // Behind a pooler the client limit is judged at the size the traffic asks for; the server's slots are
  // the pooler's server pool's business, and a pooler is never advised when one is there.
  const pooled = input.pooler;
  const findings: Finding[] = [
    ...(pooled
      ? [pooledChainFinding(pooled, { instances, cap, wanted: needed, total, byConcurrency: true })]
      : guide.findings.filter((f) => f.id === 'budget-exhausted')),
    cpuDecides && cpu
      ? cpuCappedFinding(demand, { needed, chosen, busy, atChosen, inflated, why: cpuWhy, cpu })
      : targetFinding(input, demand, { needed, chosen, cap, atChosen, busy }),
    ...(decidedBy === 'traffic' && atChosen.utilisation > HIGH_UTILISATION
      ? [highUtilisationFinding(chosen, busy)]
      : []),
    ...(pooled ? [] : fleetFindings({ ...input, concurrency: guideConcurrency }, usable, total)),
  ];

  const table = tableSizes(busy, needed, guideSize, chosen, demand.callers).map(row);
  return {
    recommendation: {
      ...guide.recommendation,
      pool: { ...guide.recommendation.pool, maxConnections: chosen, minConnections },
      sources: { ...guide.recommendation.sources, maxConnections: 'traffic', minConnections: 'formula' },
      trace: steps,
      fleet: { instances, totalConnections: total, usableSlots: usable, perInstanceCap: cap },
    },
    findings,
    traffic: {
      model,
      ratePerSecond: demand.ratePerSecond,
      ratePerInstance,
      holdMs: demand.holdMs,
      targetWaitMs: demand.targetWaitMs,
      targetPercentile: demand.targetPercentile,
      callers: demand.callers ?? null,
      busyConnections: busy,
      fleetBusyConnections: busy * instances,
      neededPoolSize: needed,
      guide: { concurrency: guideConcurrency, poolSize: guideSize, atPoolSize: atGuide },
      perInstanceCap: cap,
      chosenPoolSize: chosen,
      decidedBy,
      reason,
      atChosen,
      table,
    },
  };
}

function cpuFormula(hardware: DatabaseHardware): string {
  const { cores, spindles } = hardware;
  return `(${cores} cores × ${CONNECTIONS_PER_CORE}) + ${spindles} spindle${spindles === 1 ? '' : 's'} = ${activeConnectionBound(hardware)}`;
}

/** The pool stopped near the CPU bound: a warning that says why, and what the wait target then means. */
function cpuCappedFinding(
  demand: TrafficDemand,
  at: {
    needed: number;
    chosen: number;
    busy: number;
    atChosen: PoolSizeRow;
    inflated: boolean;
    why: string;
    cpu: CpuLimit;
  },
): Finding {
  const p = percentileLabel(demand.targetPercentile);
  // From an inflated hold time the model's wait at the cap is too pessimistic: with fewer queries at once
  // on the cores, each one finishes sooner.
  const wait = at.inflated
    ? 'the wait the model predicts there comes from the inflated hold time; with fewer queries on the cores at once each finishes sooner, so measure again once the pool is capped'
    : `at ${at.chosen} ${describeRow(at.atChosen, demand)}`;
  // Given traffic that keeps more connections busy than the cap allows cannot be served at all: the queue
  // only grows. That is the server's limit, not a pool setting, and it must not read as a mere warning.
  const overloaded = !at.inflated && at.atChosen.percentileWaitMs === null;
  const cure = overloaded
    ? '; these cores cannot carry this traffic at this hold time: shorten the queries, add cores or move reads to a replica'
    : '';
  return {
    id: 'traffic-cpu-capped',
    severity: overloaded ? 'critical' : 'warning',
    title: `The pool is capped at ${at.chosen} per instance, near the database's CPU bound: ${at.why}; ${wait}${cure}`,
    observed: `${round(demand.ratePerSecond)} requests/s holding a connection ${round(demand.holdMs)}ms each: ${round(at.busy)} busy connections per instance on average`,
    expected: `at most ${activeConnectionBound(at.cpu.hardware)} connections across the fleet running at once (${cpuFormula(at.cpu.hardware)}), and ${p} wait ≤ ${formatWaitMs(demand.targetWaitMs)}`,
  };
}

function highUtilisationFinding(chosen: number, busy: number): Finding {
  const comfortable = Math.ceil(busy / COMFORTABLE_UTILISATION);
  return {
    id: 'traffic-high-utilisation',
    severity: 'info',
    title: `At ${plural(chosen, 'connection')} each is busy ${formatShare(busy / chosen)} of the time: the wait target holds for steady traffic, but a burst above the mean rate queues at once; ${comfortable} would keep them ${Math.round(COMFORTABLE_UTILISATION * 100)} % busy`,
    observed: `${round(busy)} busy connections per instance on average`,
    expected: `at most ${Math.round(HIGH_UTILISATION * 100)} % utilisation`,
  };
}

function targetFinding(
  input: Omit<SizingInput, 'concurrency'>,
  demand: TrafficDemand,
  at: { needed: number; chosen: number; cap: number; atChosen: PoolSizeRow; busy: number },
): Finding {
  const p = percentileLabel(demand.targetPercentile);
  const traffic = `${round(demand.ratePerSecond)} requests/s holding a connection ${round(demand.holdMs)}ms each: ${round(at.busy)} busy connections per instance on average`;
  const expected = `${p} wait ≤ ${formatWaitMs(demand.targetWaitMs)}`;
  if (at.needed <= at.cap) {
    return {
      id: 'traffic-wait-target',
      severity: 'ok',
      title: `A pool of ${at.chosen} meets the target ${expected}: ${describeRow(at.atChosen, demand)}`,
      observed: traffic,
      expected,
    };
  }
  // Behind a pooler the cap is its max_client_conn, raised in pgbouncer.ini, not the server's.
  const fix = input.pooler
    ? { config: { max_client_conn: at.needed * input.instances } }
    : settingFixFor(
        input.budget.access,
        'max_connections',
        maxConnectionsNeeded(at.needed, input.instances, input.budget),
        MAX_CONNECTIONS_SETTING,
      );
  const limit = input.pooler ? "pooler's client limit" : 'server budget';
  if (at.atChosen.percentileWaitMs === null) {
    return {
      id: 'traffic-wait-target',
      severity: 'critical',
      title: `The ${limit} allows ${plural(at.chosen, 'connection')} per instance, no more than the ${round(at.busy)} the traffic keeps busy on average: requests will queue without bound`,
      observed: traffic,
      expected: `${plural(at.needed, 'connection')} per instance for ${expected}`,
      fix,
    };
  }
  return {
    id: 'traffic-wait-target',
    severity: 'warning',
    title: `No pool within the ${limit} meets ${expected}: at the budget's maximum of ${at.chosen} per instance ${describeRow(at.atChosen, demand)}`,
    observed: traffic,
    expected: `${plural(at.needed, 'connection')} per instance for ${expected}`,
    fix,
  };
}
