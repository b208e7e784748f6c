import { documentOf } from '../../src/report/documents/index.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exitCodeFor } from '../../src/core/exit-codes.js';
import { recommendPool } from '../../src/core/sizing.js';
import { EMITTER_BY_NAME } from '../../src/report/emit/index.js';
import { recommendDocument } from '../../src/report/documents/recommend.js';
import { renderJson } from '../../src/report/formats/json.js';
import { renderMarkdown } from '../../src/report/formats/markdown.js';
import { renderText } from '../../src/report/formats/text.js';
import type { RecommendReport } from '../../src/report/recommend-report.js';
import { plainStyle, type RenderOptions } from '../../src/report/style.js';
import { ANSI_ESCAPE } from '../helpers/cli.js';
import { builtinPreset } from '../helpers/presets.js';

// Through documentOf, as every command's output goes: it attaches the findings' hints.
const renderRecommendText = (r: RecommendReport, options: RenderOptions) =>
  renderText(documentOf(r), options);
const renderRecommendMarkdown = (r: RecommendReport) => renderMarkdown(recommendDocument(r));
const renderRecommendJson = (r: RecommendReport, version: string) =>
  renderJson(recommendDocument(r), version);

function report(concurrency: number, serverMax: number): RecommendReport {
  const budget = {
    maxConnections: serverMax,
    reservedConnections: 0,
    otherConnections: 0,
    source: 'flag' as const,
  };
  const { recommendation, findings } = recommendPool({
    preset: builtinPreset('oltp'),
    concurrency,
    instances: 1,
    budget,
  });
  const flag = <T>(value: T) => ({ value, source: 'flag' as const });
  return {
    command: 'recommend',
    target: null,
    serverVersion: null,
    inputs: {
      workload: flag('oltp'),
      workloadOrigin: 'oltp',
      concurrency: flag(concurrency),
      instances: flag(1),
      serverMaxConnections: flag(serverMax),
      reservedConnections: { value: 0, source: 'default' },
      otherConnections: { value: 0, source: 'default' },
    },
    recommendation,
    emitted: EMITTER_BY_NAME.eventcore({ workload: 'oltp', pool: recommendation.pool }),
    findings,
    skipped: [],
    failOn: 'critical',
    exitCode: exitCodeFor(findings, 'critical'),
  };
}

describe('renderers', () => {
  it('text shows each setting with its source, the trace with numbers, the code and the findings', () => {
    const text = renderRecommendText(report(33, 100), { style: plainStyle, width: 100 });
    assert.doesNotMatch(text, ANSI_ESCAPE);
    assert.match(text, /max_connections\s+│ 40\s+│ formula/);
    assert.match(text, /acquire timeout\s+│ 2s\s+│ oltp preset/);
    assert.match(text, /= ceil\(33 × 1\.2\) = ceil\(39\.6\) = 40/);
    assert.match(text, /= min\(40, 80\) = 40/);
    assert.match(text, /\.max_connections\(40\)/);
    assert.match(text, /\(fails at critical; exit 0\)\n$/);
  });

  it('text for a shortfall names the fix and the hints', () => {
    const text = renderRecommendText(report(100, 50), { style: plainStyle, width: 100 });
    assert.match(text, /critical {2}The server budget carries 40 connections per instance/);
    assert.match(text, /fix: ALTER SYSTEM SET max_connections = 150;\s+\(needs a restart\)/);
    assert.match(text, /Hints\n {2}Give the server more connection slots/);
  });

  it('quiet text keeps the code and the findings that need attention only', () => {
    const text = renderRecommendText(report(33, 100), { style: plainStyle, width: 100, quiet: true });
    assert.doesNotMatch(text, /How the pool size was computed/);
    assert.doesNotMatch(text, / ok {2}/);
    assert.match(text, /PgPoolOptions::new\(\)/);
  });

  it('JSON is one document with the contract fields', () => {
    const doc = JSON.parse(renderRecommendJson(report(100, 50), '1.2.3')) as Record<string, unknown>;
    for (const key of [
      'schemaVersion',
      'command',
      'target',
      'serverVersion',
      'findings',
      'skipped',
      'recommendation',
      'summary',
      'exitCode',
    ]) {
      assert.ok(key in doc, key);
    }
    assert.equal(doc.exitCode, 1);
    assert.deepEqual(doc.summary, { ok: 1, info: 0, warning: 0, critical: 1, skipped: 0 });
  });

  it('markdown has tables, a fenced code block and the findings', () => {
    const md = renderRecommendMarkdown(report(33, 100));
    assert.match(md, /^## pooltune recommend: oltp/);
    assert.match(md, /\| max_connections \| `40` \| formula \|/);
    assert.match(md, /```rust\n/);
    assert.match(md, /- \*\*ok\*\* — 1 × 40 = 40 connections/);
  });
});
