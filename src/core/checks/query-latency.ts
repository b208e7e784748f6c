import type { Finding } from '../findings.js';
import { QUERY_DEGRADED_MS } from '../guide.js';
import type { LatencySummary } from '../health/percentiles.js';
import { formatMeasuredMs } from '../units.js';

const ms = formatMeasuredMs;

/**
 * The guide's query latency, one definition for health's round trips and bench's requests: a median above
 * 100ms is degraded (warning); a median under it with the slowest 1 % above it is a note.
 */
export function queryLatencyFinding(latency: LatencySummary, counted: string): Finding {
  const degraded = latency.p50Ms > QUERY_DEGRADED_MS;
  const slowTail = !degraded && latency.p99Ms > QUERY_DEGRADED_MS;
  return {
    id: 'query-latency',
    severity: degraded ? 'warning' : slowTail ? 'info' : 'ok',
    title: degraded
      ? `Query latency is degraded: p50 ${ms(latency.p50Ms)} is above ${QUERY_DEGRADED_MS}ms`
      : `Query latency p50 ${ms(latency.p50Ms)}, p99 ${ms(latency.p99Ms)} over ${latency.count} ${counted}${slowTail ? `: the slowest 1 % take over ${QUERY_DEGRADED_MS}ms` : ''}`,
    observed: `p50 ${ms(latency.p50Ms)}, p95 ${ms(latency.p95Ms)}, p99 ${ms(latency.p99Ms)}, max ${ms(latency.maxMs)}`,
    expected: `under ${QUERY_DEGRADED_MS}ms`,
  };
}
