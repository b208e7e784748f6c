import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Load } from '../../src/core/bench/load.js';
import { measure, RequestLog } from '../../src/core/bench/measurement.js';
import { poolUnderTest } from '../../src/core/bench/pool.js';
import { modelFor } from '../../src/core/bench/prediction.js';
import { benchChecks, runChecks } from '../../src/core/checks/index.js';
import type { BenchReport, BenchRunReport } from '../../src/report/bench-report.js';
import { benchDocument } from '../../src/report/documents/bench.js';
import { renderMarkdown } from '../../src/report/formats/markdown.js';
import { renderText } from '../../src/report/formats/text.js';
import { plainStyle, type RenderOptions } from '../../src/report/style.js';

const renderBenchText = (r: BenchReport, options: RenderOptions) => renderText(benchDocument(r), options);
const renderBenchMarkdown = (r: BenchReport) => renderMarkdown(benchDocument(r));

const open: Load = {
  arrivals: { kind: 'open', ratePerSecond: 400 },
  work: { kind: 'hold', holdMs: 5, distribution: 'exp' },
  durationMs: 1000,
  warmupMs: 0,
};

function run(max: number, acquireMs: number, timeouts: number, load: Load): BenchRunReport {
  const log = new RequestLog();
  for (let i = 0; i < 400; i++) log.add(0.5, acquireMs, 6, acquireMs > 1);
  log.timeouts = timeouts;
  const measurement = measure({
    log,
    windowMs: 1000,
    offeredPerSecond: 400,
    scheduled: 400 + timeouts,
    samples: [{ atMs: 250, total: max, idle: 0, waiting: 2 }],
    cpuMicros: 8000,
    eventLoopUtilisation: 0.3,
  });
  const pool = poolUnderTest(`--pool-max ${max}`, 'flags', undefined, {
    maxConnections: max,
    acquireTimeoutMs: 50,
  });
  return {
    pool,
    measurement,
    model: modelFor(measurement, pool, load),
    findings: runChecks([benchChecks], { bench: { measurement, pool, load } }).findings,
    stoppedEarly: false,
    peakConnections: max + 1,
  };
}

function report(load: Load, stoppedBy: string | null = null): BenchReport {
  const runs = [run(2, 12, 40, load), run(8, 0.05, 0, load)];
  return {
    command: 'bench',
    target: 'app@db:5432/app',
    serverVersion: '18.4',
    load,
    runs,
    findings: runs[0]?.findings ?? [],
    skipped: [],
    failOn: 'critical',
    exitCode: 1,
    stoppedBy,
  };
}

describe('bench renderers', () => {
  it('text: one column per pool, the model row in the open loop, findings of the first pool', () => {
    const text = renderBenchText(report(open), { style: plainStyle, width: 100, quiet: false });
    assert.match(text, /│ +│ --pool-max 2 +│ --pool-max 8 +│/);
    assert.match(
      text,
      /│ Erlang C: waited, mean +│ 100\.0 %, unbounded +│/,
      'A = 2.4 on 2 connections: no bound',
    );
    assert.match(text, /│ acquire timeouts +│ 40 \(9\.09 %\) +│ 0 \(0\.00 %\) +│/);
    assert.match(text, /critical +40 requests gave up waiting/);
    assert.ok(
      text.split('\n').every((line) => line.length <= 100),
      'fits the width it was given',
    );
    assert.match(text, /exit 1\)\n$/);
  });

  it('text: a closed loop has no model row and no lateness row; a stopped run says so', () => {
    const closed: Load = { ...open, arrivals: { kind: 'closed', clients: 8 } };
    const text = renderBenchText(report(closed, 'SIGINT'), { style: plainStyle, width: 100, quiet: false });
    assert.doesNotMatch(text, /Erlang C|sent late/);
    assert.match(text, /stopped early by SIGINT/);
  });

  it('markdown: the table and the findings of the first pool', () => {
    const md = renderBenchMarkdown(report(open));
    assert.match(md, /^## pooltune bench/);
    assert.match(md, /\| {2}\| --pool-max 2 \| --pool-max 8 \|/);
    assert.match(md, /\| waited \| 100\.0 % \| 0\.0 % \|/);
    assert.match(md, /### Findings/);
  });
});
