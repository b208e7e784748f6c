import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { histogramOf } from '../../src/core/histogram.js';
import type { ReportDocument } from '../../src/report/document.js';
import { documentOf } from '../../src/report/documents/index.js';
import { escapeHtml, jsonForScript } from '../../src/report/formats/html-escape.js';
import { chartValue } from '../../src/report/formats/html-numbers.js';
import { renderHtml, type HtmlAssets } from '../../src/report/formats/html.js';
import { renderMarkdown } from '../../src/report/formats/markdown.js';
import { renderText } from '../../src/report/formats/text.js';
import { plainStyle } from '../../src/report/style.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { FIXTURE_REPORTS, trafficRecommendReport } from './documents-fixtures.js';

const ASSETS: HtmlAssets = {
  chartScript: 'window.uPlot = function () {};',
  chartStyle: '.u-legend {}',
  chartLicence: 'The MIT License (MIT)',
};
const charts = (document: ReportDocument) =>
  document.sections.flatMap((s) => s.blocks.flatMap((b) => (b.kind === 'chart' ? [b.chart] : [])));

describe('histogramOf', () => {
  it('counts every sample once, on a grid of ten bins per decade', () => {
    const bins = histogramOf([0, 0.001, 0.05, 0.1, 0.1, 1, 1.2, 9.9]);
    assert.equal(
      bins.reduce((n, b) => n + b.count, 0),
      8,
    );
    assert.deepEqual(bins[0], { upToMs: 0.001, count: 2 });
    // A value that is an edge closes its bin.
    assert.equal(bins.find((b) => b.upToMs === 0.1)?.count, 2);
    assert.equal(bins.find((b) => b.upToMs === 1)?.count, 1);
    assert.equal(bins.find((b) => b.upToMs === 1.26)?.count, 1);
    assert.equal(bins[bins.length - 1]?.upToMs, 10);
    // Empty bins between are kept, so that the bars stand where their values are.
    assert.ok(bins.some((b) => b.count === 0));
  });

  it('stays bounded however long or wide the run, and is empty without samples', () => {
    assert.deepEqual(histogramOf([]), []);
    const wide = histogramOf(Float64Array.from({ length: 100_000 }, (_, i) => i ** 2 / 1000));
    assert.ok(wide.length <= 81, `${wide.length} bins`);
    assert.equal(wide[wide.length - 1]?.upToMs, 100_000);
  });

  it('gives two runs the same edges, so that a comparison overlays them', () => {
    const a = histogramOf([0.3, 4]).map((b) => b.upToMs);
    const b = histogramOf([0.5, 40]).map((b) => b.upToMs);
    const shared = a.filter((edge) => b.includes(edge));
    assert.ok(shared.includes(1) && shared.includes(5.01), shared.join(' '));
  });
});

describe('HTML escaping', () => {
  it('keeps markup and quotes as text', () => {
    assert.equal(escapeHtml(`<b a="1">'&'</b>`), '&lt;b a=&quot;1&quot;&gt;&#39;&amp;&#39;&lt;/b&gt;');
  });

  it('puts JSON in a script element that no string in it can close', () => {
    const json = jsonForScript({ query: "</script><script>alert('x')</script>", sep: '\u2028' });
    assert.doesNotMatch(json, /<|>|\u2028/);
    assert.deepEqual(JSON.parse(json), { query: "</script><script>alert('x')</script>", sep: '\u2028' });
  });

  it('writes chart values in their units', () => {
    assert.equal(chartValue(0.0590439, 'share'), '5.90 %');
    assert.equal(chartValue(8.878, 'ms'), '8.88 ms');
    assert.equal(chartValue(null, 'ms'), '—');
    assert.equal(chartValue(12, 'count'), '12');
  });
});

describe('--format html', () => {
  it('renders every command fixture: findings first, no markup from the report unescaped', () => {
    for (const [name, build] of Object.entries(FIXTURE_REPORTS)) {
      const html = renderHtml(documentOf(build()), '9.9.9', ASSETS);
      assert.ok(html.startsWith('<!doctype html>'), name);
      assert.ok(html.indexOf('id="findings"') < html.indexOf('<section>\n'), `${name}: findings first`);
      // The only script elements are the page's own.
      for (const script of html.match(/<script[^>]*>/g) ?? [])
        assert.match(
          script,
          /^<script( type="application\/json" (class="chart-spec"|id="report-data"))?>$/,
          name,
        );
    }
  });

  it('escapes a finding title, a subject and a chart title that hold markup', () => {
    const base = documentOf(trafficRecommendReport());
    const evil = `<img src=x onerror="alert(1)"> & 'q'`;
    const document: ReportDocument = {
      ...base,
      header: { ...base.header, subject: evil },
      envelope: {
        ...base.envelope,
        findings: [{ id: 'connectivity', severity: 'warning', title: evil, observed: evil }],
      },
      sections: [
        {
          heading: evil,
          blocks: [
            {
              kind: 'chart',
              chart: {
                title: `${evil}</script>`,
                x: { label: evil, unit: 'count', values: [1, 2] },
                y: { label: 'y', unit: 'ms' },
                series: [{ label: evil, values: [1, null] }],
                marks: [{ on: 'y', value: 1, label: evil }],
              },
            },
          ],
        },
      ],
    };
    const html = renderHtml(document, '9.9.9', ASSETS);
    assert.doesNotMatch(html, /<img/);
    assert.equal((html.match(/<\/script>/g) ?? []).length, (html.match(/<script/g) ?? []).length);
    assert.match(html, /&lt;img src=x onerror=&quot;alert\(1\)&quot;&gt; &amp; &#39;q&#39;/);
  });

  it('puts each chart with a table of its numbers; text and markdown leave the chart out', () => {
    const document = documentOf(trafficRecommendReport());
    const [chart] = charts(document);
    assert.ok(chart);
    const html = renderHtml(document, '9.9.9', ASSETS);
    const table = html.slice(html.indexOf('<table class="chart-data">'));
    for (const size of chart.x.values)
      assert.match(table, new RegExp(`<th scope="row" data-value="${size}">`));
    assert.doesNotMatch(
      renderText(document, { style: plainStyle, width: 100 }),
      /Wait for a connection against/,
    );
    assert.doesNotMatch(renderMarkdown(document), /Wait for a connection against/);
  });

  it('the chart library and the HTML renderer stay out of the start-up bundle and ship beside it', () => {
    const bundle = `${REPO_ROOT}dist/bundle/`;
    const library = readFileSync(`${bundle}vendor/uplot/uPlot.iife.min.js`, 'utf8');
    assert.ok(existsSync(`${bundle}vendor/uplot/LICENSE`));
    const cli = readFileSync(`${bundle}cli.cjs`, 'utf8');
    assert.equal(cli.includes(library.slice(1000, 1200)), false);
    // The renderer and the drawing script it writes are a file of their own, required by --format html only.
    assert.equal(cli.includes('chart-spec'), false);
    assert.ok(readFileSync(`${bundle}html.cjs`, 'utf8').includes('chart-spec'));
  });
});

describe("a long monitor run's sparkline", () => {
  it('shows its last 120 bars in HTML and markdown; the charts have every point', () => {
    const report = FIXTURE_REPORTS.monitor();
    const point = report.history[0];
    assert.ok(point);
    const history = Array.from({ length: 700 }, (_, i) => ({ ...point, elapsedMs: (i + 1) * 1000 }));
    const document = documentOf({ ...report, history });
    const html = renderHtml(document, '0.0.0-test', ASSETS);
    const bars = /<span class="sparkline"[^>]*>(.*?)<\/span><\/span>/.exec(html)?.[1] ?? '';
    assert.equal(bars.split('<span class=').length - 1, 120);
    assert.equal((renderMarkdown(document).match(/[▁▂▃▄▅▆▇█]/g) ?? []).length, 120);
    assert.ok(charts(document).every((chart) => chart.x.values.length === 700));
  });
});

describe('a fix in the HTML report', () => {
  it("shows a managed provider's commands, and where and in which order to apply it, as the other formats do", () => {
    for (const name of ['check-server-managed', 'check-server-standby'] as const) {
      const document = documentOf(FIXTURE_REPORTS[name]());
      const html = renderHtml(document, '0.0.0-test', ASSETS);
      // As in every format, a fix is shown for what needs attention.
      for (const f of document.envelope.findings.filter((x) => x.severity !== 'ok')) {
        for (const command of f.fix?.commands ?? []) assert.ok(html.includes(escapeHtml(command)), command);
        if (f.fix?.order) assert.ok(html.includes(escapeHtml(f.fix.order)), f.fix.order);
        if (f.fix?.where) assert.ok(html.includes(escapeHtml(f.fix.where)), f.fix.where);
      }
    }
    const fixes = ['check-server-managed', 'check-server-standby'].flatMap((n) =>
      documentOf(FIXTURE_REPORTS[n as 'check-server-managed']()).envelope.findings.map((f) => f.fix),
    );
    // The fixtures have what this test is about.
    assert.ok(fixes.some((fix) => (fix?.commands ?? []).length > 0));
    assert.ok(fixes.some((fix) => fix?.order));
  });
});
