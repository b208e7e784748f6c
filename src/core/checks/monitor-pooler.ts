/**
 * The pooler's queue as monitor's samples saw it: the most clients queued in PgBouncer at one reading and
 * the longest any of them had waited, judged with the guide's acquisition thresholds like an app pool's
 * wait. The run's totals (the wait per checkout) are the pooler family's pooler-clients-waiting.
 */
import { ACQUISITION_EXCELLENT_MS, ACQUISITION_POOR_MS, acquisitionRating } from '../guide.js';
import type { Finding } from '../findings.js';
import { clockTime } from '../monitor/clock.js';
import type { PoolerRunSummary } from '../monitor/pooler-summary.js';
import type { MonitorSummary } from '../monitor/summary.js';
import { plural } from '../plural.js';

const ms = (value: number) => `${Math.round(value * 10) / 10} ms`;

/** "the console did not answer in 2 of 10 readings, first at 17:03:12 UTC (…)" */
function lostNote(p: PoolerRunSummary): string[] {
  if (p.lostSamples === 0) return [];
  const readings = p.samples + p.lostSamples;
  return [
    `PgBouncer's console did not answer in ${p.lostSamples} of ${plural(readings, 'reading')}, first at ${clockTime(p.firstLostAt)} UTC${p.lostReason ? ` (${p.lostReason})` : ''}`,
  ];
}

function poolUseNote(p: PoolerRunSummary): string[] {
  const u = p.poolUse;
  if (u.peakPercent === null) return [];
  return [
    `its server connections peaked at ${u.peakPercent} % of the pools' ${u.poolSize} at ${clockTime(u.peakAt)} UTC`,
  ];
}

export function poolerQueueFindings(summary: MonitorSummary): Finding[] {
  const p = summary.pooler;
  if (!p) return [];
  const readings = p.samples + p.lostSamples;
  if (p.samples === 0) {
    return [
      {
        id: 'pooler-queue-peak',
        severity: 'info',
        title: `PgBouncer's queue was not seen: its admin console did not answer at any of ${plural(readings, 'reading')}`,
        observed: lostNote(p).join('; '),
      },
    ];
  }
  const expected = `no client queued; a wait under ${ACQUISITION_EXCELLENT_MS}ms is excellent, ${ACQUISITION_EXCELLENT_MS}–${ACQUISITION_POOR_MS}ms good, above ${ACQUISITION_POOR_MS}ms poor`;
  const w = p.clientsWaiting;
  if (w.peak === 0) {
    const observed = [...poolUseNote(p), ...lostNote(p)].join('; ');
    return [
      {
        id: 'pooler-queue-peak',
        severity: 'ok',
        title: `No client queued in PgBouncer for a server connection at any of ${plural(p.samples, 'reading')}`,
        ...(observed ? { observed } : {}),
      },
    ];
  }
  const rating = acquisitionRating(p.maxWait.peakMs);
  const observed = [
    `clients queued in ${w.samples} of ${plural(p.samples, 'reading')}: at most ${w.peak} at ${clockTime(w.peakAt)} UTC, the longest wait ${ms(p.maxWait.peakMs)} at ${clockTime(p.maxWait.peakAt)} UTC`,
    ...poolUseNote(p),
    ...lostNote(p),
  ].join('; ');
  return [
    {
      id: 'pooler-queue-peak',
      severity: rating === 'poor' ? 'warning' : 'info',
      title: `Up to ${plural(w.peak, 'client')} queued in PgBouncer for a server connection (at ${clockTime(w.peakAt)} UTC), the longest wait seen ${ms(p.maxWait.peakMs)} (${rating}): PgBouncer's pool, not the server, held requests back`,
      observed,
      expected: `${expected}; a larger pool only where the server has slots and cores for it, or shorter transactions that give server connections back sooner`,
    },
  ];
}
