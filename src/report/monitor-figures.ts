import { utilisationSeverity } from '../core/guide.js';
import { formatDuration } from '../core/units.js';
import type { Sparkline } from './document.js';

/** Eight levels over 0–100 %, so that bars read the same whatever the run's range. */
const BARS = '▁▂▃▄▅▆▇█';

export function sparkBar(percent: number): string {
  const level = Math.min(BARS.length - 1, Math.max(0, Math.floor((percent / 100) * BARS.length)));
  return BARS[level] ?? '▁';
}

/** Utilisation (of samples, or of history points) as bars, each marked with the guide's severity for it. */
export function sparkline(samples: readonly { readonly utilisationPercent: number }[]): Sparkline {
  return {
    bars: samples.map((s) => ({
      bar: sparkBar(s.utilisationPercent),
      tone: utilisationSeverity(s.utilisationPercent),
    })),
  };
}

/** Seconds as the monitor shows them: `4.2s` under ten, else whole (`42s`, `2min`); `–` when unknown. */
export const secs = (s: number | null): string =>
  s === null ? '–' : s < 10 ? `${s.toFixed(1)}s` : formatDuration(Math.round(s) * 1000);

/** Sessions per second, to a tenth. */
export const rate = (r: number): string => r.toFixed(1);

/** A wait as the monitor shows it: `0.4 ms`, `850 ms`, from a second on `1.2s`. */
export const waitText = (ms: number): string =>
  ms < 1000 ? `${Math.round(ms * 10) / 10} ms` : secs(Math.round(ms / 100) / 10);
