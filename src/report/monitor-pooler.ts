import type { PoolerSample } from '../core/monitor/pooler-sample.js';
import { rate, waitText } from './monitor-figures.js';
import type { Style } from './style.js';

// The pooler's part of monitor's live output, beside the server's.

/** "1 waiting (oldest 850 ms)": the queue at the reading. */
export function poolerQueueText(p: PoolerSample, style: Style): string {
  if (p.status === 'lost') return style.yellow('console lost');
  if (p.clientsWaiting === 0) return '0 waiting';
  return style.yellow(`${p.clientsWaiting} waiting (oldest ${waitText(p.maxWaitMs)})`);
}

/** "servers 1 active, 0 idle, 0 used, 0 login of 1 (100 %)": the pools' server connections. */
export function poolerServersText(p: PoolerSample): string {
  if (p.status === 'lost') return '';
  const { active, idle, used, login } = p.servers;
  const of = p.poolSize === null ? '' : ` of ${p.poolSize} (${p.poolUsePercent ?? 0} %)`;
  const fullest = p.fullestPool ? `, fullest pool ${p.fullestPool.pool} ${p.fullestPool.percent} %` : '';
  return `servers ${active} active, ${idle} idle, ${used} used, ${login} login${of}${fullest}`;
}

/** "4.0 tps, 0.3 ms per checkout": PgBouncer's totals since the reading before. */
export function poolerWindowText(p: PoolerSample): string {
  if (p.status === 'lost' || !p.window) return '';
  const w = p.window;
  const per = w.waitPerCheckoutMs === null ? '' : `, ${waitText(w.waitPerCheckoutMs)} wait per checkout`;
  return `${rate(w.transactionsPerSecond)} tps${per}`;
}

/** The whole pooler part of a sample line: `pooler 1 waiting (oldest 850 ms), servers …, 4.0 tps`. */
export function poolerSampleText(p: PoolerSample, style: Style): string {
  const parts = [poolerQueueText(p, style), poolerServersText(p), poolerWindowText(p)].filter(
    (x) => x !== '',
  );
  const lost = p.status === 'lost' ? `: ${p.reason}` : '';
  return `pooler ${parts.join(', ')}${lost}`;
}
