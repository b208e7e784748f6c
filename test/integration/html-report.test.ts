import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { ALL_CHARTS_DRAWN, launchBrowser, type Browser } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';
import { startServer, type TestServer } from '../helpers/postgres.js';
import { sleep } from '../helpers/wait.js';

/** One chart as the page shows it: whether it was drawn, its points, and its table of numbers. */
interface ChartView {
  readonly caption: string;
  readonly drawn: boolean;
  readonly canvasWidth: number;
  readonly points: number;
  readonly expectedPoints: number;
  readonly head: string[];
  readonly rows: { x: number; values: (number | null)[] }[];
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the JSON report's shape is checked by schema tests */
interface PageView {
  readonly charts: ChartView[];
  readonly data: { report: any };
  readonly errors: string[];
  readonly firstHeading: string;
  readonly pwned: unknown;
}

let browser: Browser;
let dir: string;
before(async () => {
  browser = await launchBrowser();
  dir = await mkdtemp(join(tmpdir(), 'pooltune-html-'));
});
after(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

/** What the page shows: each chart's state and table, the embedded JSON report, the first heading. */
const READ_PAGE = `(() => {
  const number = (s) => (s === null || s === '' ? null : Number(s));
  const charts = [...document.querySelectorAll('figure.chart')].map((f) => ({
    caption: f.querySelector('figcaption').textContent,
    drawn: f.dataset.drawn === 'true',
    canvasWidth: f.querySelector('canvas')?.width ?? 0,
    points: Number(f.dataset.points),
    expectedPoints: Number(f.dataset.expectedPoints),
    head: [...f.querySelectorAll('table.chart-data thead th')].map((th) => th.textContent),
    rows: [...f.querySelectorAll('table.chart-data tbody tr')].map((tr) => ({
      x: Number(tr.querySelector('th').dataset.value),
      values: [...tr.querySelectorAll('td')].map((td) => number(td.dataset.value)),
    })),
  }));
  const data = JSON.parse(document.getElementById('report-data').textContent);
  return { charts, data, firstHeading: document.querySelector('h2').textContent, pwned: window.pwned };
})()`;

/** Runs a command with --format html into a file, then opens the file in the browser and reads it back. */
async function report(name: string, args: readonly string[]): Promise<PageView> {
  const file = join(dir, `${name}.html`);
  const r = await runCli([...args, '--format', 'html', '--output', file]);
  assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
  const html = await readFile(file, 'utf8');
  // Self-contained: nothing to fetch when it is opened.
  assert.doesNotMatch(html, /<(script|link|img)[^>]+(src|href)=/i);
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (req) => void (req.url().startsWith('file:') || errors.push(`fetched ${req.url()}`)));
  try {
    await page.goto(pathToFileURL(file).href);
    // Strings, not functions: they run in the page, and this project compiles without the DOM's types.
    await page.waitForFunction(ALL_CHARTS_DRAWN, null, { timeout: 15_000 });
    const view = (await page.evaluate(READ_PAGE)) as Omit<PageView, 'errors'>;
    return { ...view, errors };
  } finally {
    await page.close();
  }
}

/** The chart was drawn with a point for every number its table has, and the table holds these numbers. */
function assertChart(
  chart: ChartView | undefined,
  x: readonly number[],
  columns: readonly (readonly (number | null)[])[],
) {
  assert.ok(chart, 'the chart is on the page');
  assert.ok(chart.drawn && chart.canvasWidth > 0, `${chart.caption}: drawn`);
  assert.deepEqual(
    chart.rows.map((r) => r.x),
    x,
    `${chart.caption}: x values`,
  );
  columns.forEach((column, i) =>
    assert.deepEqual(
      chart.rows.map((r) => r.values[i]),
      column,
      `${chart.caption}: ${chart.head[i + 1]}`,
    ),
  );
  const points = columns.flat().filter((v) => v !== null).length;
  assert.equal(chart.points, points, `${chart.caption}: points drawn`);
  assert.equal(chart.expectedPoints, points);
}

function assertPage(view: PageView, charts: number) {
  assert.deepEqual(view.errors, []);
  assert.equal(view.firstHeading, 'Findings', 'the findings come first');
  assert.equal(view.charts.length, charts);
}

describe('--format html in headless Chromium', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ version: 18, settings: { max_connections: 30 } });
  });
  after(() => server?.stop());

  it('recommend from traffic: the wait and P(wait) per pool size, as the JSON report has them', async () => {
    const view = await report('recommend', [
      'recommend',
      '--rps',
      '200',
      '--hold-ms',
      '20',
      '--db-cores',
      '4',
    ]);
    assertPage(view, 1);
    // The page's embedded report is --format json's, field for field (recommend is deterministic).
    const json = await runCli(['recommend', '--rps', '200', '--hold-ms', '20', '--db-cores', '4', '--json']);
    assert.deepEqual(view.data.report, JSON.parse(json.stdout));
    const table = view.data.report.traffic.sizing.table as any[];
    assertChart(
      view.charts[0],
      table.map((row) => row.poolSize),
      [table.map((row) => row.percentileWaitMs), table.map((row) => row.waitProbability)],
    );
  });

  it('health: the round trips as a distribution; a query with markup in it stays text', async () => {
    const query = `SELECT '</script><script>window.pwned = 1</script> & "q"'`;
    const view = await report('health', ['health', '--db', server.url(), '--query', query]);
    assertPage(view, 1);
    assert.equal(view.pwned, undefined);
    assert.ok(view.charts[0]?.caption.includes(query), view.charts[0]?.caption);
    const bins = view.data.report.metrics.queryLatency.histogram as any[];
    assert.ok(bins.length > 0);
    assertChart(
      view.charts[0],
      bins.map((b) => b.upToMs),
      [bins.map((b) => b.count)],
    );
    assert.equal(
      bins.reduce((n, b) => n + b.count, 0),
      view.data.report.metrics.queryLatency.latency.count,
    );
  });

  it('bench --compare: both pools overlaid in the distributions, and each over time', async () => {
    const view = await report('bench', [
      'bench',
      '--db',
      server.url(),
      '--pool-max',
      '2',
      '--rate',
      '150',
      '--hold-ms',
      '10',
      '--duration',
      '2s',
      '--warmup',
      '200ms',
      '--compare',
      '--pool-max 4',
    ]);
    assertPage(view, 4);
    const runs = view.data.report.runs as any[];
    for (const [index, pick] of [
      [0, 'acquire'],
      [1, 'total'],
    ] as const) {
      const edges = [
        ...new Set(runs.flatMap((r) => r.measurement.histograms[pick].map((b: any) => b.upToMs))),
      ].sort((a, b) => a - b);
      assertChart(
        view.charts[index],
        edges,
        runs.map((r) =>
          edges.map((e) => r.measurement.histograms[pick].find((b: any) => b.upToMs === e)?.count ?? 0),
        ),
      );
    }
    runs.forEach((run, i) => {
      const chart = view.charts[2 + i];
      const samples = run.measurement.pool.samples as any[];
      assert.ok(samples.length > 0);
      assert.deepEqual(
        chart?.rows.map((r) => r.values[1]),
        samples.map((s) => s.waiting),
      );
      // Throughput between samples: completed requests over the time between them.
      const rates = samples.map((s, j) => {
        const before = j === 0 ? { atMs: 0, completed: 0 } : samples[j - 1];
        return Math.round(((s.completed - before.completed) / (s.atMs - before.atMs)) * 10000) / 10;
      });
      assertChart(
        chart,
        samples.map((s) => s.atMs / 1000),
        [rates, samples.map((s) => s.waiting)],
      );
    });
  });

  it('monitor: utilisation, new sessions per second and idle in transaction over the run', async () => {
    const running = report('monitor', [
      'monitor',
      '--db',
      server.url(),
      '--interval',
      '1s',
      '--duration',
      '4s',
    ]);
    // Sessions opened and closed while it runs, and one left idle in a transaction for a while.
    const idle = await server.client();
    await idle.query('BEGIN');
    for (let i = 0; i < 3; i++) {
      const clients = await Promise.all(Array.from({ length: 4 }, () => server.client()));
      await Promise.all(clients.map((c) => c.end()));
      await sleep(500);
    }
    const view = await running;
    await idle.end();
    assertPage(view, 3);
    // A short run's history has a point per sample.
    const points: any[] = view.data.report.history;
    assert.equal(points.length, view.data.report.stats.samples);
    assert.ok(points.length >= 3, `points: ${points.length}`);
    const x = points.map((p) => p.elapsedMs / 1000);
    assertChart(view.charts[0], x, [points.map((p) => p.utilisationPercent)]);
    assertChart(view.charts[1], x, [points.map((p) => p.newSessionsPerSecond)]);
    assertChart(view.charts[2], x, [points.map((p) => p.oldestIdleInTransactionSeconds)]);
  });
});
