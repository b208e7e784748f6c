import { Option, type Command } from 'commander';
import {
  DEFAULT_IDLE_IN_TRANSACTION_THRESHOLD_MS,
  DEFAULT_LONG_QUERY_THRESHOLD_MS,
  DEFAULT_LONG_TRANSACTION_THRESHOLD_MS,
} from '../../core/guide.js';
import { formatDuration } from '../../core/units.js';
import { duration } from './values.js';

/** How the session findings judge and what they show: check-server, health and monitor take these. */
export interface SessionOptions {
  /** Print the sessions' query text (one line, passwords masked): it may hold personal data. */
  readonly showQueries: boolean;
  readonly idleInTransactionThresholdMs: number;
  readonly longQueryThresholdMs: number;
  readonly longTransactionThresholdMs: number;
}

/** One threshold flag: a duration, its default from the guide shown as such. */
const thresholdOption =
  (flag: string, what: string, defaultMs: number) =>
  (verb = 'report') =>
    new Option(`${flag} <duration>`, `${verb} ${what}`)
      .argParser(duration)
      .default(defaultMs, formatDuration(defaultMs));

/** The session thresholds' flags, one each, for the commands that judge by them (alerts takes them alone). */
export const THRESHOLD_OPTIONS = {
  idleInTransaction: thresholdOption(
    '--idle-in-transaction-threshold',
    'sessions idle in a transaction for longer than this',
    DEFAULT_IDLE_IN_TRANSACTION_THRESHOLD_MS,
  ),
  longQuery: thresholdOption(
    '--long-query-threshold',
    'queries running longer than this; 6× is critical',
    DEFAULT_LONG_QUERY_THRESHOLD_MS,
  ),
  longTransaction: thresholdOption(
    '--long-transaction-threshold',
    'transactions open longer than this; 6× is critical',
    DEFAULT_LONG_TRANSACTION_THRESHOLD_MS,
  ),
};

export function addSessionFlags(command: Command): Command {
  return command
    .addOption(THRESHOLD_OPTIONS.idleInTransaction())
    .addOption(THRESHOLD_OPTIONS.longQuery())
    .addOption(THRESHOLD_OPTIONS.longTransaction())
    .option(
      '--show-queries',
      "show the named sessions' query text, on one line with passwords masked (it may hold personal data)",
    );
}

export function readSessionFlags(command: Command): SessionOptions {
  const raw = command.opts<{
    idleInTransactionThreshold: number;
    longQueryThreshold: number;
    longTransactionThreshold: number;
    showQueries?: boolean;
  }>();
  return {
    showQueries: raw.showQueries === true,
    idleInTransactionThresholdMs: raw.idleInTransactionThreshold,
    longQueryThresholdMs: raw.longQueryThreshold,
    longTransactionThresholdMs: raw.longTransactionThreshold,
  };
}
