import type { Fix } from '../findings.js';
import { IDLE_IN_TRANSACTION_TIMEOUT_MS } from '../guide.js';
import type { ServerFacts } from '../server-facts.js';
import { formatDuration } from '../units.js';

/**
 * The ALTER SYSTEM statement that sets `name`, and what it takes to apply it, from pg_settings.context:
 * postmaster settings need a restart, the others a reload. Without the facts (health, monitor) the setting's
 * context is unknown and the fix says only that a reload applies it, which is true of every setting
 * pooltune proposes that way.
 */
export function alterSystem(facts: ServerFacts | undefined, name: string, value: string | number): Fix {
  const literal = typeof value === 'number' ? String(value) : `'${value.replaceAll("'", "''")}'`;
  const statement = `ALTER SYSTEM SET ${name} = ${literal};`;
  if (!facts) return { sql: [statement, 'SELECT pg_reload_conf();'], reload: true };
  const context = facts.settings.get(name)?.context ?? 'sighup';
  const restart = context === 'postmaster';
  return {
    sql: [statement, ...(restart ? [] : ['SELECT pg_reload_conf();'])],
    restart,
    reload: !restart,
  };
}

/** The guide's cure for sessions left idle inside a transaction: its idle_in_transaction_session_timeout. */
export function idleInTransactionTimeoutFix(facts?: ServerFacts): Fix {
  return alterSystem(
    facts,
    'idle_in_transaction_session_timeout',
    formatDuration(IDLE_IN_TRANSACTION_TIMEOUT_MS),
  );
}

/** Whether a server's idle_in_transaction_session_timeout (0 or null: off) lets sessions idle longer than the guide's. */
export function idleInTransactionTimeoutTooLong(timeoutMs: number | null): boolean {
  return timeoutMs === 0 || timeoutMs === null || timeoutMs > IDLE_IN_TRANSACTION_TIMEOUT_MS;
}

/** What ends a session idle in a transaction, as a clause: `sessions` names them ("it", "them"). */
export function idleInTransactionTimeoutNote(timeoutMs: number | null, sessions: string): string {
  return timeoutMs === 0 || timeoutMs === null
    ? `idle_in_transaction_session_timeout is off, so nothing ends ${sessions}`
    : `idle_in_transaction_session_timeout is ${formatDuration(timeoutMs)}`;
}
