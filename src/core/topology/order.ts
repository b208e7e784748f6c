/**
 * The order in which to change a setting a hot standby must keep at least as high as its primary's. A
 * standby that replays a primary's higher value pauses replay (14+) or shuts down (≤ 13), so raising goes
 * standbys first, then the primary, and lowering the primary first, then the standbys.
 */
import type { Finding, Fix } from '../findings.js';
import { numericSetting, type ServerFacts } from '../server-facts.js';
import { describeStandby, type TopologyFacts } from './facts.js';

/** The settings the WAL carries to standbys and that a hot standby must have at least as high. */
export const STANDBY_MUST_MATCH = [
  'max_connections',
  'max_prepared_transactions',
  'max_locks_per_transaction',
  'max_wal_senders',
  'max_worker_processes',
] as const;

export type MustMatchSetting = (typeof STANDBY_MUST_MATCH)[number];

/**
 * The must-match settings a fix changes, with the value it sets: the first number after the name on a line
 * of its SQL or of a provider's commands that sets it, so `ALTER SYSTEM SET max_connections = 116;` and
 * `ParameterName=max_connections,ParameterValue=116` read alike. Comment lines (alternatives) are left out.
 */
export function mustMatchChanges(fix: Fix): { name: MustMatchSetting; value: number }[] {
  const changes: { name: MustMatchSetting; value: number }[] = [];
  for (const line of [...(fix.sql ?? []), ...(fix.commands ?? [])]) {
    if (line.trimStart().startsWith('--')) continue;
    for (const name of STANDBY_MUST_MATCH) {
      const match = new RegExp(`\\b${name}\\b\\D*?(\\d+)`).exec(line);
      if (match?.[1] !== undefined && !changes.some((c) => c.name === name))
        changes.push({ name, value: Number(match[1]) });
    }
  }
  return changes;
}

/** The standbys as a note names them: "walreceiver from 10.0.0.2, replica2". */
function named(topology: TopologyFacts): string {
  return topology.standbys.map(describeStandby).join(', ');
}

/**
 * What to say of the order for one change on this server; undefined when nothing constrains it (a primary
 * with no standby streaming from it, or a value that does not change).
 */
export function applyOrderNote(
  topology: TopologyFacts,
  name: string,
  from: number | undefined,
  to: number,
): string | undefined {
  if (from === undefined || from === to) return undefined;
  const raising = to > from;
  const change = `${raising ? 'raising' : 'lowering'} ${name} from ${from} to ${to}`;
  if (topology.role === 'standby')
    return raising
      ? `This server is a standby: when ${change}, do it here (and on every other standby) and restart, before the primary; a standby below its primary pauses replay.`
      : `This server is a standby: when ${change}, lower it on the primary first, then here; a standby below its primary pauses replay.`;
  if (topology.standbys.length === 0) return undefined;
  const them = `the standbys streaming from this primary (${named(topology)})`;
  return raising
    ? `Standbys stream from this primary: when ${change}, raise it first on ${them} and restart each, then here; a standby below its primary pauses replay.`
    : `Standbys stream from this primary: when ${change}, do it here first, then on ${them}; keep every standby equal.`;
}

/** ALTER ROLE, ALTER DATABASE and GRANT write the catalogs: a standby refuses them, its primary's reach it. */
const CATALOG_WRITE = /^\s*(ALTER (ROLE|DATABASE)|GRANT)\b/i;

/**
 * The fix with its ordering note, when it changes a must-match setting on a server in a cluster, or when
 * it is a catalog write that a standby can only get from its primary.
 */
function orderedFix(fix: Fix, facts: ServerFacts): Fix {
  const notes = mustMatchChanges(fix).flatMap(({ name, value }) => {
    const note = applyOrderNote(facts.topology, name, numericSetting(facts, name), value);
    return note === undefined ? [] : [note];
  });
  if (facts.topology.role === 'standby' && (fix.sql ?? []).some((line) => CATALOG_WRITE.test(line)))
    notes.push(
      'This server is a standby, which refuses ALTER ROLE, ALTER DATABASE and GRANT (read-only): run them on the primary, and they reach this standby by replication.',
    );
  return notes.length === 0 ? fix : { ...fix, order: notes.join(' ') };
}

/**
 * Every finding whose fix changes max_connections (or a kin setting), or writes the catalogs, gets the
 * order to apply it in, in one place after the checks ran (the verdict), so that no check needs to know
 * about standbys.
 */
export function withApplyOrder(findings: readonly Finding[], facts: ServerFacts): Finding[] {
  return findings.map((f) => (f.fix ? { ...f, fix: orderedFix(f.fix, facts) } : f));
}
