import { plural } from '../plural.js';
import type { Finding } from '../findings.js';
import {
  BUDGET_SHARE_PERCENT,
  budgetShare,
  CONNECTION_TIERS,
  LARGE_TIER_CONNECTIONS,
  LARGEST_TIER_TO,
  MIN_SUPERUSER_RESERVED,
  POSTGRES_DEFAULT_MAX_CONNECTIONS,
  slotsForShare,
  SMALLEST_TIER_FROM,
  UTILISATION_BANDS,
  UTILISATION_WARNING_PERCENT,
  utilisationPercent,
  utilisationSeverity,
} from '../guide.js';
import { numericSetting, otherClients, usableSlots, type ServerFacts } from '../server-facts.js';
import { serverSettingFix } from './fix.js';
import type { Check } from './registry.js';
import { outcome, type ServerRule, type CheckContext } from './types.js';

export { CONNECTION_TIERS, MIN_SUPERUSER_RESERVED };

export const checkConnectionTier: ServerRule = ({ facts, plan }) => {
  // With a pooler in front the guide's advice for the large tiers is followed already.
  const pooled = facts.route.throughPooler || plan.behindPooler;
  const max = numericSetting(facts, 'max_connections') ?? POSTGRES_DEFAULT_MAX_CONNECTIONS;
  const tier = CONNECTION_TIERS.find((t) => max >= t.from && max <= t.to);
  const setting = {
    name: 'max_connections',
    current: String(max),
    recommended: `${SMALLEST_TIER_FROM}–${LARGEST_TIER_TO} by tier`,
  };
  if (max > LARGEST_TIER_TO) {
    return outcome([
      {
        id: 'connection-tier',
        severity: 'warning',
        title: pooled
          ? `max_connections is ${max}, above the guide's largest tier (${LARGEST_TIER_TO}): with a pooler in front, lower it to what the pooler's pools and the direct clients need`
          : `max_connections is ${max}, above the guide's largest tier (${LARGEST_TIER_TO}): put PgBouncer in front and lower it`,
        observed: String(max),
        expected: `at most ${LARGEST_TIER_TO}, with a pooler above ${LARGE_TIER_CONNECTIONS}`,
        setting,
      },
    ]);
  }
  if (!tier) {
    return outcome([
      {
        id: 'connection-tier',
        severity: 'warning',
        title: `max_connections is ${max}, below the guide's development tier (${CONNECTION_TIERS[0].from}–${CONNECTION_TIERS[0].to})`,
        observed: String(max),
        expected: `at least ${SMALLEST_TIER_FROM}`,
        fix: serverSettingFix(facts, 'max_connections', SMALLEST_TIER_FROM),
        setting: { ...setting, recommended: `at least ${SMALLEST_TIER_FROM}` },
      },
    ]);
  }
  const large = max > LARGE_TIER_CONNECTIONS;
  return outcome([
    {
      id: 'connection-tier',
      severity: large && !pooled ? 'info' : 'ok',
      title: large
        ? pooled
          ? `max_connections ${max}: the guide's large production tier, with a pooler in front as the guide advises there`
          : `max_connections ${max}: the guide's large production tier, where PgBouncer should pool the clients`
        : `max_connections ${max}: the guide's ${tier.name} tier (${tier.from}–${tier.to})`,
      setting: { ...setting, recommended: `${tier.from}–${tier.to} (${tier.name})` },
    },
  ]);
};

export const checkReservedSlots: ServerRule = ({ facts }) => {
  const { max, superuserReserved, reserved, totalReserved, usable } = usableSlots(facts);
  const findings: Finding[] = [];
  findings.push(
    superuserReserved < MIN_SUPERUSER_RESERVED
      ? {
          id: 'superuser-reserved-connections',
          severity: 'warning',
          title: `superuser_reserved_connections is ${superuserReserved}: when the server fills up, not even an administrator can get in`,
          observed: String(superuserReserved),
          expected: `at least ${MIN_SUPERUSER_RESERVED}`,
          fix: serverSettingFix(facts, 'superuser_reserved_connections', MIN_SUPERUSER_RESERVED),
          setting: {
            name: 'superuser_reserved_connections',
            current: String(superuserReserved),
            recommended: `≥ ${MIN_SUPERUSER_RESERVED}`,
          },
        }
      : {
          id: 'superuser-reserved-connections',
          severity: 'ok',
          title: `superuser_reserved_connections is ${superuserReserved}: administrators can still log in to a full server`,
          setting: {
            name: 'superuser_reserved_connections',
            current: String(superuserReserved),
            recommended: `≥ ${MIN_SUPERUSER_RESERVED}`,
          },
        },
  );
  if (facts.settings.has('reserved_connections')) {
    findings.push({
      id: 'reserved-connections',
      severity: 'ok',
      title: `reserved_connections is ${reserved}: slots kept for roles with pg_use_reserved_connections`,
      setting: { name: 'reserved_connections', current: String(reserved), recommended: 'as needed' },
    });
  }
  if (usable < 1) {
    findings.push({
      id: 'usable-slots',
      severity: 'critical',
      title: `No connection slots are left for ordinary roles: max_connections ${max} minus ${totalReserved} reserved`,
      observed: `${usable} usable slots`,
      expected: 'reserved slots well below max_connections',
    });
  }
  return outcome(findings);
};

export const checkSlotUsage: ServerRule = ({ facts }) => {
  const { max, superuserReserved, reserved, providerReserved, usable } = usableSlots(facts);
  if (usable < 1) return outcome();
  const others = otherClients(facts);
  const share = utilisationPercent(others, usable);
  const severity = utilisationSeverity(share);
  return outcome([
    {
      id: 'slot-usage',
      severity,
      title: `${others} of ${usable} usable connection slots are taken now (${share} %)`,
      observed: `${others} client connections besides pooltune's; ${usable} usable = ${max} − ${superuserReserved} superuser-reserved${facts.settings.has('reserved_connections') ? ` − ${reserved} reserved` : ''}${providerReserved > 0 && facts.provider ? ` − ${providerReserved} kept by ${facts.provider.name}` : ''}`,
      expected: `under ${UTILISATION_WARNING_PERCENT} % in use (${UTILISATION_BANDS})`,
    },
  ]);
};

function fleetFindings({ facts, plan }: CheckContext, poolMax: number): Finding[] {
  const { usable } = usableSlots(facts);
  const total = poolMax * plan.instances;
  const others = otherClients(facts);
  const fleet = `${plan.instances} instance${plan.instances === 1 ? '' : 's'} × pool ${poolMax} = ${plural(total, 'connection')}`;
  if (total > usable) {
    const missing = total - usable;
    return [
      {
        id: 'fleet-plan',
        severity: 'critical',
        title: `The planned fleet needs ${plural(total, 'connection')} but the server has ${usable} usable slots: ${missing} missing`,
        observed: fleet,
        expected: `at most ${usable}, ideally at most ${budgetShare(usable)} (${BUDGET_SHARE_PERCENT} %)`,
        fix: serverSettingFix(
          facts,
          'max_connections',
          (numericSetting(facts, 'max_connections') ?? POSTGRES_DEFAULT_MAX_CONNECTIONS) +
            slotsForShare(total) -
            usable,
        ),
      },
    ];
  }
  const findings: Finding[] = [];
  const share = utilisationPercent(total, usable);
  findings.push({
    id: 'fleet-plan',
    severity: share > BUDGET_SHARE_PERCENT ? 'warning' : 'ok',
    title:
      share > BUDGET_SHARE_PERCENT
        ? `The planned fleet takes ${share} % of the ${usable} usable slots, above the guide's ${BUDGET_SHARE_PERCENT} %: little room for anything else`
        : `The planned fleet fits: ${fleet}, ${share} % of the ${usable} usable slots`,
    observed: fleet,
    expected: `at most ${budgetShare(usable)} (${BUDGET_SHARE_PERCENT} % of usable)`,
  });
  if (total + others > usable) {
    findings.push({
      id: 'fleet-plan-free-now',
      severity: 'warning',
      title: `${others} slots are taken by other sessions now, so only ${usable - others} are free for the planned ${total}`,
      observed: `${plural(others, 'connection')} held now`,
      expected: `${total} free slots`,
    });
  }
  return findings;
}

function limitFindings({ facts, plan }: CheckContext, poolMax: number | undefined): Finding[] {
  const findings: Finding[] = [];
  const total = poolMax === undefined ? undefined : poolMax * plan.instances;
  for (const [kind, limits, current] of [
    ['role', facts.roleLimits, facts.currentRole],
    ['database', facts.databaseLimits, facts.currentDatabase],
  ] as const) {
    const own = limits.find((l) => l.name === current);
    if (!own) continue;
    const tooSmall = total !== undefined && own.limit < total;
    findings.push({
      id: `${kind}-connection-limit`,
      severity: tooSmall ? 'critical' : 'info',
      title: tooSmall
        ? `The ${kind} "${current}" may open at most ${plural(own.limit, 'connection')}, fewer than the planned ${total}`
        : `The ${kind} "${current}" may open at most ${plural(own.limit, 'connection')} (CONNECTION LIMIT)`,
      observed: `CONNECTION LIMIT ${own.limit}`,
      ...(total === undefined ? {} : { expected: `at least ${total}` }),
      ...(tooSmall
        ? {
            fix: {
              sql: [
                `ALTER ${kind === 'role' ? 'ROLE' : 'DATABASE'} "${current.replaceAll('"', '""')}" CONNECTION LIMIT ${total};`,
              ],
              restart: false,
              ...connectionLimitWhere(kind, facts),
            },
          }
        : {}),
    });
  }
  return findings;
}

/**
 * Who may raise a CONNECTION LIMIT when pooltune's role may not: a role cannot change its own (that takes
 * CREATEROLE, and on 16+ ADMIN OPTION on the role, or a superuser), and a database's is its owner's.
 */
function connectionLimitWhere(kind: 'role' | 'database', facts: ServerFacts): { where?: string } {
  if (facts.isSuperuser) return {};
  if (kind === 'role') {
    return {
      where: `as a superuser, or a role with CREATEROLE (and on 16+ ADMIN OPTION on ${facts.currentRole}): a role may not change its own connection limit`,
    };
  }
  return facts.privileges.ownsDatabase ? {} : { where: `as the owner of database ${facts.currentDatabase}` };
}

export const checkFleetPlan: ServerRule = (ctx) => {
  const findings = ctx.plan.poolMax === undefined ? [] : fleetFindings(ctx, ctx.plan.poolMax);
  return outcome([...findings, ...limitFindings(ctx, ctx.plan.poolMax)]);
};

/** The server family's checks of the server's connection slots, in report order. */
export const connectionChecks: readonly Check<'server'>[] = [
  { id: 'connection-tier', run: checkConnectionTier },
  { id: 'superuser-reserved-connections', run: checkReservedSlots },
  { id: 'slot-usage', run: checkSlotUsage },
  { id: 'fleet-plan', run: checkFleetPlan },
];
