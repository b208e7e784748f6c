import { formatDuration } from '../units.js';
import { majorVersion, settingMs } from '../server-facts.js';
import {
  IDLE_IN_TRANSACTION_TIMEOUT_FAR_MS,
  IDLE_IN_TRANSACTION_TIMEOUT_MS,
  STATEMENT_TIMEOUT_FAR_MS,
  STATEMENT_TIMEOUT_MS,
} from '../guide.js';
import { alterSystem, idleInTransactionTimeoutFix } from './fix.js';
import type { Check } from './registry.js';
import { outcome, type ServerRule } from './types.js';

export { IDLE_IN_TRANSACTION_TIMEOUT_MS, STATEMENT_TIMEOUT_MS };

const show = (ms: number) => (ms === 0 ? '0 (disabled)' : formatDuration(ms));

export const checkIdleInTransactionTimeout: ServerRule = ({ facts }) => {
  const ms = settingMs(facts, 'idle_in_transaction_session_timeout');
  if (ms === undefined) return outcome();
  const setting = {
    name: 'idle_in_transaction_session_timeout',
    current: show(ms),
    recommended: formatDuration(IDLE_IN_TRANSACTION_TIMEOUT_MS),
  };
  const fix = idleInTransactionTimeoutFix(facts);
  if (ms === 0) {
    return outcome([
      {
        id: 'idle-in-transaction-timeout-disabled',
        severity: 'warning',
        title:
          'idle_in_transaction_session_timeout is off: a client that stalls inside a transaction holds its connection and locks forever',
        observed: '0 (disabled)',
        expected: formatDuration(IDLE_IN_TRANSACTION_TIMEOUT_MS),
        fix,
        hints: ['slow-acquisition'],
        setting,
      },
    ]);
  }
  if (ms > IDLE_IN_TRANSACTION_TIMEOUT_FAR_MS) {
    return outcome([
      {
        id: 'idle-in-transaction-timeout-long',
        severity: 'info',
        title: `idle_in_transaction_session_timeout is ${formatDuration(ms)}, far above the guide's ${formatDuration(IDLE_IN_TRANSACTION_TIMEOUT_MS)}`,
        observed: formatDuration(ms),
        expected: formatDuration(IDLE_IN_TRANSACTION_TIMEOUT_MS),
        fix,
        setting,
      },
    ]);
  }
  return outcome([
    {
      id: 'idle-in-transaction-timeout',
      severity: 'ok',
      title: `idle_in_transaction_session_timeout is ${formatDuration(ms)}`,
      setting,
    },
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
  if (ms === 0) {
    return outcome([
      {
        id: 'statement-timeout-disabled',
        severity: 'warning',
        title: `statement_timeout is off: a runaway query on the ${plan.workload} workload holds its connection until it finishes`,
        observed: '0 (disabled)',
        expected: `${formatDuration(STATEMENT_TIMEOUT_MS)} server-wide (pools may set shorter ones per session)`,
        fix: alterSystem(facts, 'statement_timeout', formatDuration(STATEMENT_TIMEOUT_MS)),
        hints: ['slow-acquisition'],
        setting,
      },
    ]);
  }
  if (ms > STATEMENT_TIMEOUT_FAR_MS) {
    return outcome([
      {
        id: 'statement-timeout-long',
        severity: 'info',
        title: `statement_timeout is ${formatDuration(ms)}, far above the guide's ${formatDuration(STATEMENT_TIMEOUT_MS)} for ${plan.workload}`,
        observed: formatDuration(ms),
        expected: formatDuration(STATEMENT_TIMEOUT_MS),
        fix: alterSystem(facts, 'statement_timeout', formatDuration(STATEMENT_TIMEOUT_MS)),
        setting,
      },
    ]);
  }
  return outcome([
    { id: 'statement-timeout', severity: 'ok', title: `statement_timeout is ${formatDuration(ms)}`, setting },
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
      expected: '0 when a pooler or an application pool keeps connections open',
      fix: alterSystem(facts, 'idle_session_timeout', 0),
      hints: ['intermittent-failures'],
      setting,
    },
  ]);
};

/** The server family's checks of the server's timeouts, in report order. */
export const timeoutChecks: readonly Check<'server'>[] = [
  { id: 'idle-in-transaction-timeout', run: checkIdleInTransactionTimeout },
  { id: 'statement-timeout', run: checkStatementTimeout },
  { id: 'idle-session-timeout', run: checkIdleSessionTimeout },
];
