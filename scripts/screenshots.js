// Regenerates the pictures the README shows, from real runs: `npm run build && node scripts/screenshots.js`.
// docs/recommend-traffic.png is recommend's chart from traffic (no server needed); docs/monitor.png is
// monitor's utilisation chart over a run against a harness PostgreSQL that the script starts, loads with
// sessions that come and go, and stops. Each report is written with --format html and opened in headless
// Chromium (Debian's chromium, as the tests drive it); the chart's figure is what the picture shows.
// `--all <dir>` also writes every command's page, whole, to <dir> for a look at the rest.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ALL_CHARTS_DRAWN, launchBrowser } from '../dist/test/helpers/browser.js';
import { startServer } from '../dist/test/helpers/postgres.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(root, 'bin', 'pooltune.cjs');
const allFlag = process.argv.indexOf('--all');
const allDir = allFlag > 0 ? process.argv[allFlag + 1] : undefined;
const work = mkdtempSync(join(tmpdir(), 'pooltune-screenshots-'));

/** Runs pooltune with --format html into a file of the work folder; a child, so that load can run beside it. */
function html(name, args) {
  const file = join(work, `${name}.html`);
  return new Promise((resolve, reject) => {
    import('node:child_process').then(({ spawn }) => {
      const child = spawn(process.execPath, [CLI, ...args, '--format', 'html', '--output', file], {
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 || code === 1 ? resolve(file) : reject(new Error(`pooltune ${args[0]} exited ${code}`)),
      );
    });
  });
}

async function shoot(browser, file, picture, whole) {
  const page = await browser.context.newPage();
  page.on('pageerror', (error) => console.error(`${file}: ${error.message}`));
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(ALL_CHARTS_DRAWN);
  if (picture) await page.locator('figure.chart .chart-body').first().screenshot({ path: picture });
  if (whole) await page.screenshot({ path: whole, fullPage: true });
  await page.close();
  if (picture) console.log(`wrote ${picture}`);
}

const browser = await launchBrowser({ width: 1100, height: 800 });
const server = await startServer({
  version: 18,
  settings: { max_connections: 20, superuser_reserved_connections: 3 },
});
try {
  const recommend = await html('recommend', [
    'recommend',
    '--rps',
    '200',
    '--hold-ms',
    '20',
    '--db-cores',
    '4',
  ]);
  await shoot(
    browser,
    recommend,
    join(root, 'docs', 'recommend-traffic.png'),
    allDir && join(allDir, 'recommend.png'),
  );

  // Monitor: sessions added one a second up past the guide's bands, one left idle in a transaction, then
  // all of them closed, so that the picture shows the bands, the peak and the fall.
  const monitoring = html('monitor', [
    'monitor',
    '--db',
    server.url(),
    '--interval',
    '1s',
    '--duration',
    '16s',
  ]);
  const held = [];
  const idle = await server.client();
  await idle.query('BEGIN');
  for (let i = 0; i < 13; i++) {
    held.push(await server.client());
    await new Promise((resolve) => setTimeout(resolve, 900));
  }
  await Promise.all(held.map((c) => c.end()));
  const monitor = await monitoring;
  await idle.end();
  await shoot(browser, monitor, join(root, 'docs', 'monitor.png'), allDir && join(allDir, 'monitor.png'));

  if (allDir) {
    const health = await html('health', ['health', '--db', server.url()]);
    await shoot(browser, health, undefined, join(allDir, 'health.png'));
    const bench = await html('bench', [
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
      '3s',
      '--warmup',
      '300ms',
      '--compare',
      '--pool-max 4',
    ]);
    await shoot(browser, bench, undefined, join(allDir, 'bench.png'));
    console.log(`wrote the whole pages to ${allDir}`);
  }
} finally {
  await browser.close();
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}
// The pictures are committed: keep them small.
spawnSync('ls', ['-l', join(root, 'docs')], { stdio: 'inherit' });
