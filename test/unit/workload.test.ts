import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { InputFileError } from '../../src/core/errors.js';
import { GUIDE_DEFAULTS, PRESET_KEYS, RETRY_KEYS, parseWorkloadPreset } from '../../src/core/workload.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { builtinPreset } from '../helpers/presets.js';

function problemsOf(raw: unknown): readonly string[] {
  try {
    parseWorkloadPreset(raw, 'mine.json', 'mine');
  } catch (error) {
    assert.ok(error instanceof InputFileError);
    return error.problems;
  }
  assert.fail('expected the preset to be rejected');
}

describe('built-in presets', () => {
  it('each carries every value and a min fraction in the guide range', () => {
    for (const name of ['oltp', 'batch', 'microservice'] as const) {
      const preset = builtinPreset(name);
      assert.equal(preset.name, name);
      assert.ok(preset.description.length > 0);
      assert.ok(preset.minConnectionsFraction >= 0.1 && preset.minConnectionsFraction <= 0.25, name);
      const raw = JSON.parse(readFileSync(`${REPO_ROOT}workloads/${name}.json`, 'utf8')) as Record<
        string,
        unknown
      >;
      for (const key of PRESET_KEYS) assert.ok(key in raw, `${name} states ${key} explicitly`);
    }
  });

  it('schema.json describes exactly the keys the parser accepts', () => {
    const schema = JSON.parse(readFileSync(`${REPO_ROOT}workloads/schema.json`, 'utf8')) as {
      properties: Record<string, { properties?: Record<string, unknown> }>;
      required: string[];
      additionalProperties: boolean;
    };
    assert.deepEqual(Object.keys(schema.properties).sort(), [...PRESET_KEYS].sort());
    assert.deepEqual(Object.keys(schema.properties.retries?.properties ?? {}).sort(), [...RETRY_KEYS].sort());
    assert.deepEqual(schema.required, ['maxConnections']);
    assert.equal(schema.additionalProperties, false);
  });
});

describe('user presets', () => {
  it('fill what they leave out with the guide defaults', () => {
    const preset = parseWorkloadPreset({ maxConnections: 8 }, 'mine.json', 'mine');
    assert.equal(preset.name, 'mine');
    assert.equal(preset.pool.minConnections, GUIDE_DEFAULTS.minConnections);
    assert.equal(preset.pool.acquireTimeoutMs, 10_000);
    assert.equal(preset.pool.queryTimeoutMs, 30_000);
    assert.equal(preset.pool.idleTimeoutMs, 600_000);
    assert.equal(preset.pool.maxLifetimeMs, 1_800_000);
    assert.deepEqual(preset.pool.retries, { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 5000 });
    assert.equal(preset.minConnectionsFraction, 0.25, 'min 2 of max 8');
  });

  it('derive min from the fraction when only the fraction is given', () => {
    const preset = parseWorkloadPreset({ maxConnections: 30, minConnectionsFraction: 0.1 }, 'f', 'f');
    assert.equal(preset.pool.minConnections, 3, 'round(30 × 0.1)');
    const both = parseWorkloadPreset(
      { maxConnections: 30, minConnectionsFraction: 0.1, minConnections: 5 },
      'f',
      'f',
    );
    assert.equal(both.pool.minConnections, 5, 'a stated min stands');
    assert.equal(both.minConnectionsFraction, 0.1);
  });

  it('accept null for "no timeout"', () => {
    const preset = parseWorkloadPreset(
      { maxConnections: 4, queryTimeout: null, idleTimeout: null },
      'f',
      'f',
    );
    assert.equal(preset.pool.queryTimeoutMs, null);
    assert.equal(preset.pool.idleTimeoutMs, null);
  });

  it('report every problem at once, each naming its key and what was expected', () => {
    const problems = problemsOf({
      maxConnections: -3,
      minConnectionsFraction: 2,
      acquireTimeout: '5 parsecs',
      queryTimeout: 5,
      testBeforeAcquire: 'yes',
      retries: { maxRetries: 1.5, jitter: true },
      colour: 'blue',
    });
    const keys = problems.map((p) => p.split(':')[0]);
    assert.deepEqual(keys.sort(), [
      'acquireTimeout',
      'colour',
      'maxConnections',
      'minConnectionsFraction',
      'queryTimeout',
      'retries.jitter',
      'retries.maxRetries',
      'testBeforeAcquire',
    ]);
    assert.ok(
      problems.some((p) => /maxConnections: expected a whole number from 1 to 10000, got -3/.test(p)),
    );
    assert.ok(problems.some((p) => /acquireTimeout: expected a duration such as 500ms/.test(p)));
  });

  it('reject a missing maxConnections, min above max, and non-objects', () => {
    assert.match(problemsOf({})[0] ?? '', /maxConnections: missing/);
    assert.match(
      problemsOf({ maxConnections: 5, minConnections: 6 })[0] ?? '',
      /at most maxConnections \(5\)/,
    );
    assert.match(problemsOf([1, 2])[0] ?? '', /expected a JSON object/);
    assert.match(problemsOf(null)[0] ?? '', /got null/);
  });
});
