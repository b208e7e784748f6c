import { formatShare, formatWaitMs, type PoolSizeRow } from '../../core/traffic-sizing.js';
import { formatDuration } from '../../core/units.js';
import { code, dim, type Pair, type Section } from '../document.js';
import type { MeasuredTraffic } from '../../core/traffic-measure.js';
import type { TrafficReport } from '../recommend-report.js';
import type { Row } from './pool-settings.js';
import { trafficSizingChart } from '../charts/recommend-traffic.js';

const fixed = (n: number, places = 2): string => String(Math.round(n * 10 ** places) / 10 ** places);

function modelName(traffic: TrafficReport): string {
  const { sizing } = traffic;
  return sizing.model === 'erlang-c' ? 'Erlang C' : `Engset, ${sizing.callers} callers per instance`;
}

/** The inputs rows that replace "concurrency per instance" when sizing from traffic. */
export function trafficInputRows(traffic: TrafficReport): Row[] {
  const { sizing } = traffic;
  const rows: Row[] = [
    { label: 'requests per second', value: fixed(sizing.ratePerSecond), source: traffic.rateSource },
    { label: 'hold time', value: `${fixed(sizing.holdMs)}ms`, source: traffic.holdSource },
    {
      label: 'wait target',
      value: `p${sizing.targetPercentile} ≤ ${formatWaitMs(sizing.targetWaitMs)}`,
      source: traffic.targetSource,
    },
  ];
  if (sizing.callers !== null)
    rows.push({ label: 'callers per instance', value: String(sizing.callers), source: 'flag' });
  return rows;
}

const TABLE_LEGEND =
  'P(wait): the share of requests that find every connection busy. Waits are for a connection, over all requests. Utilisation: busy connections ÷ pool.';

const poolTableHead = (traffic: TrafficReport): string[] => [
  'pool',
  'P(wait)',
  'mean wait',
  `p${traffic.sizing.targetPercentile} wait`,
  'utilisation',
  '',
];

function note(row: PoolSizeRow, traffic: TrafficReport): string {
  const { sizing } = traffic;
  const notes: string[] = [];
  if (row.poolSize === sizing.chosenPoolSize) notes.push('← chosen');
  else if (row.poolSize === sizing.neededPoolSize) notes.push('meets the target');
  if (row.poolSize === sizing.guide.poolSize) notes.push("guide's formula");
  if (row.poolSize === sizing.perInstanceCap && sizing.decidedBy === 'budget') notes.push('budget cap');
  if (row.poolSize === sizing.chosenPoolSize && sizing.decidedBy === 'cpu') notes.push('CPU bound');
  return notes.join(', ');
}

/** The table of pool sizes around the choice, as cells. */
function poolTableRows(traffic: TrafficReport): string[][] {
  return traffic.sizing.table.map((row) => [
    String(row.poolSize),
    row.meanWaitMs === null ? 'all' : formatShare(row.waitProbability),
    formatWaitMs(row.meanWaitMs),
    formatWaitMs(row.percentileWaitMs),
    formatShare(row.utilisation),
    note(row, traffic),
  ]);
}

/** "200/s × 20ms = 4 busy connections per instance on average (Little's law)". */
function busyLine(traffic: TrafficReport): string {
  const { sizing } = traffic;
  const fleet =
    sizing.ratePerInstance === sizing.ratePerSecond
      ? ''
      : `; ${fixed(sizing.fleetBusyConnections)} across the fleet`;
  return `${fixed(sizing.ratePerInstance)}/s × ${fixed(sizing.holdMs)}ms = ${fixed(sizing.busyConnections)} busy connections per instance on average (Little's law)${fleet}`;
}

/** What was measured, as label/value rows. */
function measuredRows(m: MeasuredTraffic): Pair[] {
  const rows: Pair[] = [
    {
      label: 'window',
      value: `${Math.round(m.windowMs / 100) / 10}s${m.stoppedEarly ? ` (stopped early; asked for ${formatDuration(m.requestedMs)})` : ''}`,
    },
    { label: 'transactions', value: `${m.transactions}, ${fixed(m.ratePerSecond)}/s` },
  ];
  if (m.busyConnections !== null) {
    rows.push({
      label: 'busy sessions',
      value: `${fixed(m.busyConnections)} on average (${fixed(m.activeConnections ?? 0)} active, ${fixed(m.idleInTransactionConnections ?? 0)} idle in transaction)`,
    });
  }
  rows.push({
    label: 'hold time',
    value:
      m.holdMs === null
        ? 'not measurable before PostgreSQL 14'
        : `${fixed(m.holdMs)}ms per transaction (busy ÷ rate)`,
  });
  return rows;
}

/** What was measured, the busy connections, the table of pool sizes and why the size was chosen. */
export function trafficSections(traffic: TrafficReport): Section[] {
  const { measured } = traffic;
  return [
    ...(measured
      ? [
          {
            heading: ['Measured on database ', code(measured.database)],
            blocks: [
              { kind: 'pairs', head: ['measure', 'value'], rows: measuredRows(measured) },
              { kind: 'notes', label: 'caveat', items: measured.caveats },
            ],
          } satisfies Section,
        ]
      : []),
    {
      heading: `Sizing from traffic (${modelName(traffic)})`,
      blocks: [{ kind: 'paragraph', text: busyLine(traffic) }],
    },
    {
      blocks: [
        { kind: 'chart', chart: trafficSizingChart(traffic.sizing) },
        { kind: 'table', head: poolTableHead(traffic), rows: poolTableRows(traffic) },
        { kind: 'paragraph', text: dim(TABLE_LEGEND) },
        { kind: 'paragraph', text: traffic.sizing.reason },
      ],
    },
  ];
}
