import type { Chart } from '../document.js';
import { escapeHtml as e, jsonForScript } from './html-escape.js';
import { chartValue } from './html-numbers.js';

const dataValue = (value: number | null) => (value === null ? '' : String(value));

/** The chart's numbers as a table: one row per x value, a column per series, exact values in data-value. */
function chartTable(chart: Chart): string {
  const head = [chart.x, ...chart.series.map((s) => ({ label: s.label }))]
    .map((column) => `<th scope="col">${e(column.label)}</th>`)
    .join('');
  const rows = chart.x.values.map((x, i) => {
    const cells = chart.series.map((s) => {
      const value = s.values[i] ?? null;
      const unit = (s.axis === 'y2' ? chart.y2 : undefined)?.unit ?? chart.y.unit;
      return `<td data-value="${dataValue(value)}">${e(chartValue(value, unit))}</td>`;
    });
    return `<tr><th scope="row" data-value="${x}">${e(chartValue(x, chart.x.unit))}</th>${cells.join('')}</tr>`;
  });
  return [
    '<div class="chart-table"><table class="chart-data">',
    `<caption>The numbers of “${e(chart.title)}”</caption>`,
    `<thead><tr>${head}</tr></thead>`,
    `<tbody>${rows.join('')}</tbody>`,
    '</table></div>',
  ].join('');
}

/** The marks and bands in words, under the chart: what the lines on it are. */
function legend(chart: Chart): string {
  const unitOf = (on: 'x' | 'y' | 'y2') =>
    (on === 'x' ? chart.x : on === 'y' ? chart.y : (chart.y2 ?? chart.y)).unit;
  const items = [
    ...(chart.marks ?? []).map(
      (m) =>
        `<li class="tone-${m.tone ?? 'info'}">${e(m.label)} <span class="dim">(${m.on === 'x' ? 'vertical' : 'horizontal'} line at ${e(chartValue(m.value, unitOf(m.on)))})</span></li>`,
    ),
    ...(chart.bands ?? []).map(
      (b) =>
        `<li class="tone-${b.tone}">${e(b.label)} <span class="dim">(band ${e(chartValue(b.from, chart.y.unit))}–${e(chartValue(b.to, chart.y.unit))})</span></li>`,
    ),
  ];
  return items.length === 0 ? '' : `<ul class="marks">${items.join('')}</ul>`;
}

/** A figure the page's script draws from the spec inside it, with the table of its numbers beside it. */
export function chartHtml(chart: Chart): string {
  const points = chart.series.reduce((n, s) => n + s.values.filter((v) => v !== null).length, 0);
  return [
    `<figure class="chart" data-expected-points="${points}">`,
    `<figcaption>${e(chart.title)}</figcaption>`,
    '<div class="chart-body">',
    `<div class="chart-picture"><div class="plot" role="img" aria-label="${e(chart.title)}: the numbers are in the table beside it"></div>${legend(chart)}</div>`,
    chartTable(chart),
    '</div>',
    `<script type="application/json" class="chart-spec">${jsonForScript(chart)}</script>`,
    '</figure>',
  ].join('\n');
}
