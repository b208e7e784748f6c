import {
  SPARKLINE_MAX_BARS,
  spansOf,
  type Block,
  type Inline,
  type ReportDocument,
  type Span,
} from '../document.js';
import { chartHtml } from './html-chart.js';
import { escapeHtml as e, jsonForScript } from './html-escape.js';
import { findingsListHtml, findingsSectionHtml } from './html-findings.js';
import { CHART_RUNTIME } from './html-runtime.js';
import { jsonReportDocument } from './json.js';

/** The chart library the page inlines (uPlot's minified script and its stylesheet), read by the caller. */
export interface HtmlAssets {
  readonly chartScript: string;
  readonly chartStyle: string;
  /** Its MIT licence, which goes with every copy: the page carries it as a comment above the script. */
  readonly chartLicence: string;
}

const PAGE_STYLE = `
body { font: 15px/1.45 system-ui, sans-serif; color: #1f2937; margin: 0 auto; padding: 1.5rem; max-width: 1280px; }
h1 { font-size: 1.4rem; margin-bottom: .2rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
.facts, .dim { color: #6b7280; }
table { border-collapse: collapse; margin: .5rem 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #d1d5db; padding: .2rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #f3f4f6; }
code, pre { font-family: ui-monospace, monospace; font-size: .9em; background: #f3f4f6; padding: 0 .2em; }
pre { padding: .6rem; overflow-x: auto; }
ul.findings { list-style: none; padding-left: 0; } ul.findings > li { margin: .4rem 0; }
.severity { display: inline-block; min-width: 5.5em; font-weight: 600; }
.tone-ok { color: #15803d; } .tone-info { color: #2563eb; } .tone-warning { color: #b45309; }
.tone-critical { color: #dc2626; } .tone-skipped, .tone-dim { color: #6b7280; } .tone-strong { font-weight: 600; }
figure.chart { margin: 1rem 0 2rem; } figcaption { font-weight: 600; margin-bottom: .4rem; }
.chart-body { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
.chart-picture { flex: 1 1 640px; min-width: 320px; }
.chart-table { flex: 0 1 auto; max-height: 360px; overflow: auto; }
.chart-data caption { caption-side: top; text-align: left; color: #6b7280; font-size: .85em; }
ul.marks { font-size: .85em; margin: .3rem 0; padding-left: 1.2rem; }
.sparkline { letter-spacing: -1px; }
footer { margin-top: 2rem; color: #6b7280; font-size: .85em; }
`;

function spanHtml(span: Span): string {
  if (typeof span === 'string') return e(span);
  if ('bars' in span)
    return `<span class="sparkline" aria-hidden="true">${span.bars
      .slice(-SPARKLINE_MAX_BARS)
      .map((b) => `<span class="tone-${b.tone}">${e(b.bar)}</span>`)
      .join('')}</span>`;
  return span.tone === 'code'
    ? `<code>${e(span.text)}</code>`
    : `<span class="tone-${span.tone}">${e(span.text)}</span>`;
}

const inlineHtml = (inline: Inline): string => spansOf(inline).map(spanHtml).join('');

function tableHtml(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const headRow = head.map((h) => `<th scope="col">${e(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${headRow}</tr></thead><tbody>${body}</tbody></table>`;
}

function blockHtml(block: Block): string {
  switch (block.kind) {
    case 'paragraph':
      return `<p>${block.label === undefined ? '' : `<strong>${e(block.label)}:</strong> `}${inlineHtml(block.text)}</p>`;
    case 'table':
      return tableHtml(
        block.head,
        block.rows.map((row) => row.map(inlineHtml)),
      );
    case 'pairs': {
      const withStatus = block.rows.some((r) => r.status !== undefined);
      const [label, value] = block.head;
      return tableHtml(
        withStatus ? [label, 'status', value] : block.head,
        block.rows.map((r) => [
          e(r.label),
          ...(withStatus
            ? [r.status === undefined ? '' : `<span class="tone-${r.status}">${r.status}</span>`]
            : []),
          inlineHtml(r.value),
        ]),
      );
    }
    case 'steps':
      return tableHtml(
        ['step', 'formula', 'with the numbers'],
        block.steps.map((s) => [e(s.label), `<code>${e(s.formula)}</code>`, e(s.result)]),
      );
    case 'code':
      return `<pre><code data-language="${e(block.language)}">${e(block.code.trimEnd())}</code></pre>`;
    case 'notes':
      return `<ul class="notes">${block.items.map((i) => `<li><span class="dim">${e(block.label)}:</span> ${e(i)}</li>`).join('')}</ul>`;
    case 'findings':
      return `${findingsListHtml(block.findings)}<p class="dim">(${e(block.note)})</p>`;
    case 'chart':
      return chartHtml(block.chart);
  }
}

// An inlined script must not hold the text that ends its element; in JavaScript `<\/` means the same.
const inlineScript = (source: string) => source.replace(/<\/(script)/gi, '<\\/$1');

/**
 * One self-contained page: the header, the findings first, then the sections with their charts drawn by
 * the inlined chart library. Nothing is fetched when it is viewed, so it opens offline.
 */
export function renderHtml(document: ReportDocument, pooltuneVersion: string, assets: HtmlAssets): string {
  const { header, envelope } = document;
  const title = `${header.title} ${header.about ?? 'of'} ${header.subject}`;
  const sections = document.sections.map((section) => {
    const heading = section.heading === undefined ? '' : `<h2>${inlineHtml(section.heading)}</h2>\n`;
    return `<section>\n${heading}${section.blocks.map(blockHtml).join('\n')}\n</section>`;
  });
  const hasCharts = document.sections.some((s) => s.blocks.some((b) => b.kind === 'chart'));
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing from the network, and only the page's own inline scripts: a report is a file to open anywhere.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>pooltune ${e(envelope.command)}: ${e(header.subject)}</title>`,
    `<style>${assets.chartStyle}${PAGE_STYLE}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>${e(title)}</h1>`,
    header.facts.length === 0 ? '' : `<p class="facts">${e(header.facts.join(' · '))}</p>`,
    '</header>',
    findingsSectionHtml(envelope),
    ...sections,
    `<footer>pooltune ${e(pooltuneVersion)} · ${e(envelope.command)} · the JSON report is in this page (script#report-data)</footer>`,
    // The numbers behind the page, as --format json writes them, for a reader who wants more than the
    // tables show, and for a test to hold the tables against.
    `<script type="application/json" id="report-data">${jsonForScript({
      report: jsonReportDocument(envelope, document.json.body, pooltuneVersion),
    })}</script>`,
    ...(hasCharts
      ? [
          `<script>/*!\n${assets.chartLicence.replaceAll('*/', '* /').trim()}\n*/\n${inlineScript(assets.chartScript)}</script>`,
          `<script>${CHART_RUNTIME}</script>`,
        ]
      : []),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
