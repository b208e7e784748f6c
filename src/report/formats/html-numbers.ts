import type { ChartUnit } from '../document.js';

/** Three significant places or so: 123, 12.3, 1.23, 0.012. */
function figure(value: number): string {
  const size = Math.abs(value);
  if (size >= 100 || Number.isInteger(value)) return String(Math.round(value));
  if (size >= 10) return value.toFixed(1);
  if (size >= 1) return value.toFixed(2);
  return String(Number(value.toPrecision(2)));
}

/** A chart value as its table cell shows it: a share 0.05 as "5 %", a wait as "1.23 ms". */
export function chartValue(value: number | null, unit: ChartUnit): string {
  if (value === null) return '—';
  switch (unit) {
    case 'ms':
      return `${figure(value)} ms`;
    case 's':
      return `${figure(value)} s`;
    case 'share':
      return `${figure(value * 100)} %`;
    case 'percent':
      return `${figure(value)} %`;
    case 'per-second':
      return `${figure(value)}/s`;
    case 'count':
      return figure(value);
  }
}
