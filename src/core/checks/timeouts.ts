import type { Finding, FindingId, Fix, SettingSubject } from '../findings.js';
import { formatDuration } from '../units.js';
import { majorVersion, settingMs } from '../server-facts.js';
import {
  IDLE_IN_TRANSACTION_TIMEOUT_FAR_MS,
  IDLE_IN_TRANSACTION_TIMEOUT_MS,
  STATEMENT_TIMEOUT_FAR_MS,
  STATEMENT_TIMEOUT_MS,
} from '../guide.js';
import { idleInTransactionTimeoutFix, scopedSettingFix } from './fix.js';
import type { Check } from './registry.js';
import { outcome, type ServerRule } from './types.js';

export { IDLE_IN_TRANSACTION_TIMEOUT_MS, STATEMENT_TIMEOUT_MS };

const show = (ms: number) => (ms === 0 ? '0 (disabled)' : formatDuration(ms));

/** A timeout the guide wants on: off is a warning, far above the guide's value is worth a note. */
interface GuideTimeout {
  readonly setting: SettingSubject;
  readonly guideMs: number;
  readonly farMs: number;
  /** The findings: off, far above the guide, and on as the guide advises. */
  readonly ids: { readonly disabled: FindingId; readonly long: FindingId; readonly ok: FindingId };
  /** What happens while it is off. */
  readonly whileOff: string;
  readonly expectedWhenOff: string;
  /** Whose value the guide's is, when that is worth saying (e.g. ` for oltp`). */
  readonly guideFor?: string;
  readonly fix: Fix;
}

function guideTimeoutFinding(ms: number, t: GuideTimeout): Finding {
  const { setting, guideMs } = t;
  if (ms === 0) {
    return {
      id: t.ids.disabled,
      severity: 'warning',
      title: `${setting.name} is off: ${t.whileOff}`,
      observed: '0 (disabled)',
      expected: t.expectedWhenOff,
      fix: t.fix,
      setting,
    };
  }
  if (ms > t.farMs) {
    return {
      id: t.ids.long,
      severity: 'info',
      title: `${setting.name} is ${formatDuration(ms)}, far above the guide's ${formatDuration(guideMs)}${t.guideFor ?? ''}`,
      observed: formatDuration(ms),
      expected: formatDuration(guideMs),
      fix: t.fix,
      setting,
    };
  }
  return { id: t.ids.ok, severity: 'ok', title: `${setting.name} is ${formatDuration(ms)}`, setting };
}

export const checkIdleInTransactionTimeout: ServerRule = ({ facts }) => {
  const ms = settingMs(facts, 'idle_in_transaction_session_timeout');
  if (ms === undefined) return outcome();
  return outcome([
    guideTimeoutFinding(ms, {
      setting: {
        name: 'idle_in_transaction_session_timeout',
        current: show(ms),
        recommended: formatDuration(IDLE_IN_TRANSACTION_TIMEOUT_MS),
      },
      guideMs: IDLE_IN_TRANSACTION_TIMEOUT_MS,
      farMs: IDLE_IN_TRANSACTION_TIMEOUT_FAR_MS,
      ids: {
        disabled: 'idle-in-transaction-timeout-disabled',
        long: 'idle-in-transaction-timeout-long',
        ok: 'idle-in-transaction-timeout',
      },
      whileOff: 'a client that stalls inside a transaction holds its connection and locks forever',
      expectedWhenOff: formatDuration(IDLE_IN_TRANSACTION_TIMEOUT_MS),
      fix: idleInTransactionTimeoutFix(facts),
    }),
  ]);
};

export const checkStatementTimeout: ServerRule = ({ facts, plan }) => {
  const ms = settingMs(facts, 'statement_timeout');
  if (ms === undefined) return outcome();
  const wanted = plan.workloadWantsStatementTimeout;
  const setting = {
    name: 'statement_timeout',
    current: show(ms),
    recommended: wanted ? formatDuration(STATEMENT_TIMEOUT_MS) : `0 for ${plan.workload}`,
  };
  if (!wanted) {
    return outcome([
      ms === 0
        ? {
            id: 'statement-timeout',
            severity: 'ok',
            title: `statement_timeout is off, which suits the ${plan.workload} workload`,
            setting,
          }
        : {
            id: 'statement-timeout-batch',
            severity: 'info',
            title: `statement_timeout is ${formatDuration(ms)}: ${plan.workload} jobs that run longer are cancelled unless their sessions set it to 0`,
            observed: formatDuration(ms),
            expected: `0, or an override in the ${plan.workload} pool's sessions`,
            setting,
          },
    ]);
  }
  return outcome([
    guideTimeoutFinding(ms, {
      setting,
      guideMs: STATEMENT_TIMEOUT_MS,
      farMs: STATEMENT_TIMEOUT_FAR_MS,
      ids: {
        disabled: 'statement-timeout-disabled',
        long: 'statement-timeout-long',
        ok: 'statement-timeout',
      },
      whileOff: `a runaway query on the ${plan.workload} workload holds its connection until it finishes`,
      expectedWhenOff: `${formatDuration(STATEMENT_TIMEOUT_MS)} for the application's role or database; server-wide it would also cancel migrations and administrators' long statements`,
      guideFor: ` for ${plan.workload}`,
      fix: scopedSettingFix(facts, 'statement_timeout', formatDuration(STATEMENT_TIMEOUT_MS)),
    }),
  ]);
};

export const checkIdleSessionTimeout: ServerRule = ({ facts, plan }) => {
  const ms = settingMs(facts, 'idle_session_timeout');
  if (ms === undefined || majorVersion(facts) < 14) return outcome();
  const setting = {
    name: 'idle_session_timeout',
    current: show(ms),
    recommended: plan.behindPooler ? '0 behind a pooler' : '0',
  };
  if (ms === 0)
    return outcome([
      { id: 'idle-session-timeout', severity: 'ok', title: 'idle_session_timeout is off', setting },
    ]);
  return outcome([
    {
      id: 'idle-session-timeout-set',
      severity: plan.behindPooler ? 'warning' : 'info',
      title: plan.behindPooler
        ? `idle_session_timeout is ${formatDuration(ms)}: the server closes idle pooled connections under the pooler's feet`
        : `idle_session_timeout is ${formatDuration(ms)}: application pools and poolers see their idle connections closed; keep their idle timeouts shorter`,
      observed: formatDuration(ms),
      expected:
        "0 for the roles whose pools or pooler keep connections open; other roles' sessions may keep it",
      // Off for the pool's role only: the timeout still ends forgotten interactive sessions of other roles.
      fix: scopedSettingFix(facts, 'idle_session_timeout', 0),
      setting,
    },
  ]);
};

/** The server family's checks of the server's timeouts, in report order. */
export const timeoutChecks: readonly Check<'server'>[] = [
  { id: 'idle-in-transaction-timeout', run: checkIdleInTransactionTimeout },
  { id: 'statement-timeout', run: checkStatementTimeout },
  // The pooler's family judges idle_session_timeout against what PgBouncer keeps idle, from its console.
  { id: 'idle-session-timeout', supersededBy: 'pooler-server-idle-timeout', run: checkIdleSessionTimeout },
];
