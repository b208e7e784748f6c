/**
 * The statements pooltune may send, for the never-writes checks on a server that logs every statement:
 * reads, and its own bounds: per session straight to PostgreSQL, per transaction through a pooler.
 */
import { readFile } from 'node:fs/promises';

const READ = /^(select|show|with)\b/i;
const SESSION_BOUND =
  /^(set (statement_timeout|lock_timeout|idle_in_transaction_session_timeout) = \d+|set application_name = 'pooltune'|set default_transaction_read_only = on)$/i;
const TRANSACTION_BOUND =
  /^(begin read only|rollback|set local (statement_timeout|lock_timeout|idle_in_transaction_session_timeout) = \d+|set local application_name = 'pooltune')$/i;

/**
 * Whether every statement of a logged line is a read or one of pooltune's bounds; `through` a pooler, a
 * session-level bound is not allowed either (it would stay on a pooled connection).
 */
export function onlyReadsAndBounds(text: string, through: 'direct' | 'pooler'): boolean {
  const bound = (part: string) =>
    TRANSACTION_BOUND.test(part) || (through === 'direct' && SESSION_BOUND.test(part));
  return (
    READ.test(text) ||
    text
      .split(';')
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .every((part) => bound(part) || READ.test(part))
  );
}

/** The statements the server logged (log_statement = all) after `from` characters of its log. */
export async function loggedStatements(logFile: string, from: number): Promise<string[]> {
  return (await readFile(logFile, 'utf8'))
    .slice(from)
    .split('\n')
    .map((line) => /(?:statement|execute [^:]*): (.*)$/.exec(line)?.[1]?.trim())
    .filter((text): text is string => text !== undefined);
}

/** Where the log ends now: what comes after is what the next commands sent. */
export async function logLength(logFile: string): Promise<number> {
  return (await readFile(logFile, 'utf8')).length;
}
