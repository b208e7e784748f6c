import { plural } from '../plural.js';
import type { Finding } from '../findings.js';
import {
  BUDGET_SHARE_PERCENT,
  budgetShare,
  HEADROOM_FACTOR,
  INTERACTIVE_ACQUIRE_LIMIT_MS,
  PGBOUNCER_SERVER_IDLE_TIMEOUT_MS,
  PGBOUNCER_SERVER_LIFETIME_MS,
  retireBefore,
  slotsForShare,
  spareSlots,
  withHeadroom,
} from '../guide.js';
import { formatDuration } from '../units.js';
import type { ServicePlan } from '../plan/config.js';
import type { PlannedService, PlanServer } from '../plan/server.js';
import { MAX_CONNECTIONS_SETTING, settingFixFor } from './fix.js';
import type { PlanObservation } from './input.js';
import { describeSurge, instancesDuringDeploy } from '../plan/surge.js';
import { longestAppIdle, serverIdleFinding } from './pooler/timeouts.js';
import { defineFamily } from './registry.js';
import { outcome } from './types.js';

const total = (s: ServicePlan) => s.instances * s.pool.maxConnections;
const sumOf = (services: readonly PlannedService[]) => services.reduce((n, p) => n + total(p.service), 0);

/** Pool sizes that share what is free in proportion to what each service asked for. */
function fittedSizes(services: readonly PlannedService[], room: number): Record<string, number> {
  const needed = sumOf(services);
  return Object.fromEntries(
    services.map(({ service }) => [
      service.name,
      Math.max(1, Math.floor((room * total(service)) / needed / service.instances)),
    ]),
  );
}

function fleetFinding(services: readonly PlannedService[], server: PlanServer): Finding {
  const usable = server.maxConnections - server.reservedSlots;
  const free = usable - server.heldNow;
  const needed = sumOf(services);
  const breakdown = services
    .map(({ service: s }) => `${s.name} ${s.instances} × ${s.pool.maxConnections} = ${total(s)}`)
    .join(', ');
  const arithmetic = `usable ${usable} = max_connections ${server.maxConnections} − ${server.reservedSlots} reserved; ${server.heldNow} held now by other sessions, so ${free} free`;
  const within = budgetShare(usable);
  if (needed > free) {
    const room = Math.max(services.length, budgetShare(free));
    const fitted = fittedSizes(services, room);
    const neededMax = server.reservedSlots + server.heldNow + slotsForShare(needed);
    return {
      id: 'plan-fleet',
      severity: 'critical',
      title: `The plan needs ${plural(needed, 'connection')} at peak but only ${free} slots are free: ${needed - free} short`,
      observed: `needed ${needed} (${breakdown}); ${arithmetic}`,
      expected: `at most ${free}; to stay within the guide's ${BUDGET_SHARE_PERCENT} % share, pools of ${services.map(({ service: s }) => `${s.name} ${fitted[s.name]}`).join(', ')}, or max_connections ${neededMax}`,
      fix: {
        ...settingFixFor(server.access, 'max_connections', neededMax, MAX_CONNECTIONS_SETTING),
        config: Object.fromEntries(
          Object.entries(fitted).map(([name, max]) => [name, { maxConnections: max }]),
        ),
      },
    };
  }
  return {
    id: 'plan-fleet',
    severity: needed > within ? 'warning' : 'ok',
    title:
      needed > within
        ? `The plan's ${plural(needed, 'connection')} fit, but take more than the guide's ${BUDGET_SHARE_PERCENT} % of the ${usable} usable slots`
        : `The plan's ${plural(needed, 'connection')} fit: ${Math.round((needed / usable) * 100)} % of the ${usable} usable slots`,
    observed: `needed ${needed} (${breakdown}); ${arithmetic}`,
    expected: `at most ${within} (${BUDGET_SHARE_PERCENT} % of usable)`,
  };
}

function serviceFindings({ service, preset }: PlannedService, share: number): Finding[] {
  const findings: Finding[] = [];
  const { pool } = service;
  const subject = service.name;
  const label = `${service.name}:`;
  if (pool.minConnections !== undefined && pool.minConnections > pool.maxConnections) {
    findings.push({
      id: 'pool-min-above-max',
      severity: 'critical',
      subject,
      title: `${label} minConnections ${pool.minConnections} is above maxConnections ${pool.maxConnections}`,
      expected: 'minConnections at most maxConnections',
    });
  }
  const demand = service.concurrency === undefined ? undefined : withHeadroom(service.concurrency);
  if (service.concurrency !== undefined && pool.maxConnections < service.concurrency) {
    findings.push({
      id: 'pool-too-small',
      severity: 'warning',
      subject,
      title: `${label} a pool of ${pool.maxConnections} for ${service.concurrency} concurrent requests per instance: requests will queue for a connection`,
      observed: `maxConnections ${pool.maxConnections}`,
      expected: `about ${demand} (ceil(${service.concurrency} × ${HEADROOM_FACTOR}))${share < (demand ?? 0) ? `, though its share of the server is ${share}` : ''}`,
    });
  } else if (demand !== undefined ? pool.maxConnections > demand : pool.maxConnections > share) {
    // With a known concurrency the pool is judged by what it needs; the fleet finding judges the budget.
    const reason =
      demand !== undefined
        ? `its ${service.concurrency} concurrent requests need about ${demand}`
        : `its share of the free slots is ${share} per instance`;
    findings.push({
      id: 'pool-too-large',
      severity: 'warning',
      subject,
      title: `${label} a pool of ${pool.maxConnections} per instance is larger than it needs to be: ${reason}`,
      observed: `${service.instances} × ${pool.maxConnections} = ${plural(total(service), 'connection')}`,
      expected: `at most ${demand ?? share} per instance`,
    });
  }
  const wantsFastFailure = preset.pool.queryTimeoutMs !== null;
  if (
    pool.acquireTimeoutMs !== undefined &&
    wantsFastFailure &&
    pool.acquireTimeoutMs > INTERACTIVE_ACQUIRE_LIMIT_MS
  ) {
    findings.push({
      id: 'pool-acquire-timeout-long',
      severity: 'warning',
      subject,
      title: `${label} callers wait up to ${formatDuration(pool.acquireTimeoutMs)} for a connection; the ${preset.name} workload fails fast (its preset: ${formatDuration(preset.pool.acquireTimeoutMs)})`,
      expected: `at most ${formatDuration(INTERACTIVE_ACQUIRE_LIMIT_MS)}`,
    });
  }
  if (
    pool.acquireTimeoutMs !== undefined &&
    typeof pool.queryTimeoutMs === 'number' &&
    pool.acquireTimeoutMs > pool.queryTimeoutMs
  ) {
    findings.push({
      id: 'pool-acquire-exceeds-query-timeout',
      severity: 'warning',
      subject,
      title: `${label} a caller may wait ${formatDuration(pool.acquireTimeoutMs)} for a connection, longer than a query may run (${formatDuration(pool.queryTimeoutMs)})`,
      expected: 'an acquire timeout no longer than the query timeout',
    });
  }
  return findings;
}

const freeSlots = (server: PlanServer) => server.maxConnections - server.reservedSlots - server.heldNow;

function poolFindings({ services, server, throughPooler }: PlanObservation): Finding[] {
  // Each service's fair share: the guide's 80 % of what is free, split in proportion to what each asks for.
  // Behind a pooler the server's slots are the pooler's to share, not the services'.
  const shares = throughPooler
    ? {}
    : fittedSizes(services, Math.max(services.length, budgetShare(freeSlots(server))));
  return services.flatMap((planned) =>
    serviceFindings(planned, shares[planned.service.name] ?? Number.POSITIVE_INFINITY),
  );
}

/**
 * What closes an app connection that sits idle: behind a pooler the app's connections end at the pooler, so
 * its client_idle_timeout; without one, the server's idle_session_timeout.
 */
function idleLimit({ server, pooler }: PlanObservation): { what: string; ms: number } | undefined {
  if (pooler !== undefined) {
    const ms = pooler.clientIdleTimeoutMs;
    return ms === undefined ? undefined : { what: "the pooler's client_idle_timeout", ms };
  }
  const ms = server.idleSessionTimeoutMs;
  return ms ? { what: "the server's idle_session_timeout", ms } : undefined;
}

/** Each pool's idle connections against what closes them from the other side. */
function idleFindings(plan: PlanObservation): Finding[] {
  const limit = idleLimit(plan);
  if (!limit) return [];
  return plan.services.flatMap(({ service }): Finding[] => {
    const longest = longestAppIdle(service.pool);
    if (longest === undefined || longest < limit.ms) return [];
    return [
      {
        id: 'pool-idle-beyond-limit',
        severity: 'warning',
        subject: service.name,
        title: `${service.name}: connections may idle in the pool for ${Number.isFinite(longest) ? formatDuration(longest) : 'ever'}, not shorter than ${limit.what} (${formatDuration(limit.ms)}): idle connections are closed under the pool`,
        observed: `idleTimeout ${durationWord(service.pool.idleTimeoutMs)}, maxLifetime ${durationWord(service.pool.maxLifetimeMs)}`,
        expected: `an idleTimeout shorter than ${formatDuration(limit.ms)}, e.g. ${formatDuration(retireBefore(limit.ms))}`,
      },
    ];
  });
}

const durationWord = (ms: number | null | undefined) =>
  ms === undefined ? 'not set' : ms === null ? 'none' : formatDuration(ms);

/**
 * The plan's pooler section, in PgBouncer's defaults where it says nothing, against the server's
 * idle_session_timeout; a live admin console's reading supersedes it.
 */
function poolerIdleFindings({ pooler, server }: PlanObservation): Finding[] {
  if (pooler?.serverIdleTimeoutMs === undefined && pooler?.serverLifetimeMs === undefined) return [];
  const limits = {
    serverIdleTimeoutMs: pooler.serverIdleTimeoutMs ?? PGBOUNCER_SERVER_IDLE_TIMEOUT_MS,
    serverLifetimeMs: pooler.serverLifetimeMs ?? PGBOUNCER_SERVER_LIFETIME_MS,
  };
  return [serverIdleFinding(limits, server.idleSessionTimeoutMs ?? 0, [])];
}

function lastFreeSlotsFindings({ services, server }: PlanObservation): Finding[] {
  const left = freeSlots(server) - sumOf(services);
  const margin = spareSlots(server.maxConnections - server.reservedSlots);
  if (left < 0 || left >= margin) return [];
  return [
    {
      id: 'plan-last-free-slots',
      severity: 'warning',
      title: `At peak the plan leaves ${plural(left, 'free slot')} for everything else: migrations, consoles and a new deploy's overlap`,
      expected: `at least ${margin} free`,
    },
  ];
}

/**
 * The fleet while a rolling deploy runs old and new instances side by side: every service with its surge,
 * against what is free. A plan short even at rest is plan-fleet's critical already; this one says what the
 * deploy adds.
 */
function surgeFindings({ services, server, surge, throughPooler }: PlanObservation): Finding[] {
  // Behind a pooler the surge adds the pooler's clients, which pooler-client-limit judges with a margin.
  if (!surge || throughPooler) return [];
  const atRest = sumOf(services);
  const during = services.reduce(
    (n, { service: s }) => n + instancesDuringDeploy(s.instances, surge) * s.pool.maxConnections,
    0,
  );
  const free = freeSlots(server);
  const usable = server.maxConnections - server.reservedSlots;
  const breakdown = services
    .map(({ service: s }) => {
      const extra = instancesDuringDeploy(s.instances, surge) - s.instances;
      return `${s.name} (${s.instances} + ${extra}) × ${s.pool.maxConnections} = ${(s.instances + extra) * s.pool.maxConnections}`;
    })
    .join(', ');
  const observed = `during a deploy ${during} (${breakdown}), at rest ${atRest}; ${free} slots free (usable ${usable}, ${server.heldNow} held now)`;
  if (atRest > free) return [];
  if (during > free) {
    const room = Math.max(services.length, budgetShare(free));
    // Sized so that the instances during a deploy, not at rest, share what is free.
    const fitted = fittedSizes(
      services.map((p) => ({
        ...p,
        service: { ...p.service, instances: instancesDuringDeploy(p.service.instances, surge) },
      })),
      room,
    );
    const neededMax = server.reservedSlots + server.heldNow + slotsForShare(during);
    return [
      {
        id: 'plan-surge',
        severity: 'critical',
        title: `The plan fits at rest (${atRest} of ${free} free slots) but not during a deploy: with ${describeSurge(surge)} it needs ${plural(during, 'connection')}, ${during - free} short`,
        observed,
        expected: `at most ${free} during a deploy; pools of ${services.map(({ service: s }) => `${s.name} ${fitted[s.name]}`).join(', ')}, max_connections ${neededMax}, or a smaller surge`,
        fix: {
          ...settingFixFor(server.access, 'max_connections', neededMax, MAX_CONNECTIONS_SETTING),
          config: Object.fromEntries(
            Object.entries(fitted).map(([name, max]) => [name, { maxConnections: max }]),
          ),
        },
      },
    ];
  }
  const within = budgetShare(usable);
  return [
    {
      id: 'plan-surge',
      severity: during > within ? 'warning' : 'ok',
      title:
        during > within
          ? `During a deploy (${describeSurge(surge)}) the plan's ${plural(during, 'connection')} fit, but take more than the guide's ${BUDGET_SHARE_PERCENT} % of the ${usable} usable slots`
          : `The plan fits during a deploy too: ${plural(during, 'connection')} with ${describeSurge(surge)}, ${Math.round((during / usable) * 100)} % of the ${usable} usable slots`,
      observed,
      expected: `at most ${within} (${BUDGET_SHARE_PERCENT} % of usable) during a deploy`,
    },
  ];
}

/** Behind a pooler without its console read, the server-side half of the chain cannot be judged. */
const THROUGH_POOLER_SKIP = {
  id: 'plan-fleet',
  reason:
    "the fleet connects through a pooler: its connections are the pooler's clients, and what counts against the server's slots is the pooler's server pools, which were not read",
  enableWith: '--pooler <admin console URL>, as a user in PgBouncer’s stats_users',
} as const;

/** A plan without services has nothing to judge. */
const planned = (judge: (plan: PlanObservation) => Finding[]) => (plan: PlanObservation) =>
  outcome(plan.services.length === 0 ? [] : judge(plan));

/** The plan's family: the fleet total against the server, then each service's pool, then what is left over. */
export const planChecks = defineFamily('plan', [
  {
    id: 'plan-fleet',
    supersededBy: 'pooler-server-connections',
    run: (plan) =>
      plan.services.length === 0
        ? outcome()
        : plan.throughPooler
          ? outcome([], [THROUGH_POOLER_SKIP])
          : outcome([fleetFinding(plan.services, plan.server)]),
  },
  // Named after the first of the per-service findings; it reports each pool's problems.
  { id: 'pool-min-above-max', run: planned(poolFindings) },
  // The idle connections on either side of the pooler. When its console was read, the pooler's family
  // judges both from what it said.
  {
    id: 'pool-idle-beyond-limit',
    supersededBy: 'pooler-client-idle-timeout',
    run: (plan) =>
      outcome([...(plan.services.length === 0 ? [] : idleFindings(plan)), ...poolerIdleFindings(plan)]),
  },
  { id: 'plan-surge', run: planned(surgeFindings) },
  {
    id: 'plan-last-free-slots',
    run: planned((plan) => (plan.throughPooler ? [] : lastFreeSlotsFindings(plan))),
  },
]);
