import { majorVersion, settingMs, type ServerFacts } from '../server-facts.js';
import type { SessionSettings } from './judge.js';

/** The server's timeouts that would have ended the sessions the findings name (transaction_timeout: 17+). */
export function sessionSettingsFrom(facts: ServerFacts): SessionSettings {
  return {
    idleInTransactionTimeoutMs: settingMs(facts, 'idle_in_transaction_session_timeout') ?? null,
    statementTimeoutMs: settingMs(facts, 'statement_timeout') ?? null,
    lockTimeoutMs: settingMs(facts, 'lock_timeout') ?? null,
    hasTransactionTimeout: majorVersion(facts) >= 17,
  };
}
