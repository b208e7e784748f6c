/**
 * monitor's watch on the pooler: PgBouncer's admin console read after each server reading on one login for
 * the run, each answer turned into the sample's pooler part, with pooltune's own use of the pooler taken out
 * of PgBouncer's totals; at the end, the chain judged over the whole run.
 */
import { overWindow, type PoolerObservation } from '../core/checks/index.js';
import {
  NO_OWN_USE,
  poolOf,
  poolerSampleFrom,
  withoutOwnUse,
  type OwnUse,
  type PoolerReading,
  type PoolerSample,
} from '../core/monitor/pooler-sample.js';
import { OWN_TRANSACTIONS_PER_READING } from '../core/monitor/transactions.js';
import { poolerWindow } from '../core/pooler/window.js';
import type { ServerFacts } from '../core/server-facts.js';
import { consoleOf } from './pooler.js';
import type { Target } from './target.js';

type Answered = Extract<PoolerReading, { facts: unknown }>;

export interface MonitorPooler {
  /** Reads the console right after the server's baseline reading. */
  baseline(): Promise<void>;
  /** Reads the console right after a server reading: the sample's pooler part. */
  sample(): Promise<PoolerSample>;
  /** The chain as the console showed it last, with PgBouncer's totals from its first answer to its last. */
  chainOverRun(chain: PoolerObservation | undefined): PoolerObservation | undefined;
  close(): Promise<void>;
}

/**
 * What pooltune's own session sent through the pooler over `serverReadings` readings: its transactions, and
 * in session mode the server connection it holds throughout. Nothing when its session goes straight to
 * the server.
 */
function ownUseOf(target: Target, facts: ServerFacts): (serverReadings: number) => OwnUse {
  const sighting = facts.pooler;
  return (serverReadings) => {
    if (!facts.route.throughPooler || !sighting?.sessionThrough || !sighting.facts) return NO_OWN_USE;
    const transactions = OWN_TRANSACTIONS_PER_READING * serverReadings;
    if (sighting.poolMode !== 'session') return { transactions, assignments: transactions };
    const { database, user } = target.endpoint.connection;
    return { transactions, assignments: 0, holdsServerIn: poolOf(sighting.facts, database, user) };
  };
}

/**
 * The watch for a run whose pooler's console answered when the session started (`facts.pooler.facts`);
 * undefined otherwise. The login happens at the baseline; a console that stops answering is retried once
 * per reading (see probes/pooler-watch.ts).
 */
export async function watchMonitorPooler(
  target: Target,
  facts: ServerFacts,
): Promise<MonitorPooler | undefined> {
  if (!facts.pooler?.facts) return undefined;
  const { watchPoolerConsole } = await import('../probes/pooler-watch.js');
  const { console, options } = await consoleOf(target);
  const watch = watchPoolerConsole(console, options);
  const ownUse = ownUseOf(target, facts);
  let first: Answered | undefined;
  let last: Answered | undefined;
  /** Server readings since the last answer, the one just taken included once read() is called. */
  let serverReadingsSince = 0;
  let ownToLast: OwnUse = NO_OWN_USE;

  /** One read after one server reading; returns the reading, the answer it is compared with and the own use. */
  const read = async () => {
    serverReadingsSince += 1;
    const own = ownUse(serverReadingsSince);
    const before = last;
    const reading = await watch.read();
    if ('facts' in reading) {
      if (first)
        ownToLast = {
          transactions: ownToLast.transactions + own.transactions,
          assignments: ownToLast.assignments + own.assignments,
        };
      first ??= reading;
      last = reading;
      serverReadingsSince = 0;
    }
    return { reading, before, own };
  };

  return {
    baseline: async () => {
      await read();
    },
    sample: async () => {
      const { reading, before, own } = await read();
      return poolerSampleFrom(before, reading, own);
    },
    chainOverRun: (chain) => {
      if (!first || !last || last === first) return chain;
      return overWindow(chain, {
        facts: last.facts,
        window: withoutOwnUse(
          poolerWindow(first.facts, last.facts, Math.round(last.at - first.at)),
          ownToLast,
        ),
      });
    },
    close: () => watch.close(),
  };
}

/** The chain judged over the run when the run watched the pooler, else as its console showed it at the start. */
export function overRun(
  watch: MonitorPooler | undefined,
  chain: PoolerObservation | undefined,
): PoolerObservation | undefined {
  return watch ? watch.chainOverRun(chain) : chain;
}
