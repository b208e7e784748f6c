import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { InputFileError } from '../../src/core/errors.js';
import { FAIL_ON_LEVELS } from '../../src/core/findings.js';
import { parsePlanConfig } from '../../src/core/plan/config.js';
import { TYPE_EXPECTED } from '../../src/core/schema/spec.js';
import { DURATION_HELP } from '../../src/core/units.js';
import { BUILTIN_WORKLOADS, builtinWorkloadPreset, parseWorkloadPreset } from '../../src/core/workload.js';
import { REPO_ROOT } from '../helpers/paths.js';

// The JSON Schemas are the one description of the files users write; the validators are generated from
// them. What the code still says about those files must agree with them.

interface Node {
  readonly errorMessage?: string;
  readonly enum?: readonly string[];
  readonly anyOf?: readonly Node[];
  readonly properties?: Readonly<Record<string, Node>>;
  readonly $defs?: Readonly<Record<string, Node>>;
  readonly items?: Node;
}
const schema = (file: string) => JSON.parse(readFileSync(`${REPO_ROOT}${file}`, 'utf8')) as Node;
const PLAN = schema('schemas/pooltune.config.schema.json');
const WORKLOAD = schema('workloads/schema.json');
const SPEC = schema('workloads/schema-spec.schema.json');

function problems(parse: () => unknown): readonly string[] {
  try {
    parse();
  } catch (error) {
    assert.ok(error instanceof InputFileError);
    return error.problems;
  }
  assert.fail('expected the file to be rejected');
}

describe('the file schemas and the code', () => {
  it('name the same built-in workloads and fail-on levels', () => {
    assert.deepEqual(PLAN.$defs?.workload?.anyOf?.[0]?.enum, [...BUILTIN_WORKLOADS]);
    assert.deepEqual(PLAN.properties?.failOn?.enum, [...FAIL_ON_LEVELS]);
  });

  it('word durations and types as the checks beyond the schema do', () => {
    for (const defs of [PLAN.$defs, WORKLOAD.$defs]) {
      assert.equal(defs?.duration?.errorMessage, `expected ${DURATION_HELP}`);
      assert.equal(defs?.optionalDuration?.errorMessage, `expected ${DURATION_HELP}, or null for none`);
    }
    assert.equal(SPEC.$defs?.column?.properties?.type?.errorMessage, TYPE_EXPECTED);
  });

  it('the built-in presets pass their schema, which is not checked when pooltune reads them', () => {
    for (const name of BUILTIN_WORKLOADS) {
      const raw = JSON.parse(readFileSync(`${REPO_ROOT}workloads/${name}.json`, 'utf8')) as unknown;
      assert.deepEqual(builtinWorkloadPreset(raw, name), parseWorkloadPreset(raw, name, name), name);
    }
  });

  it('the generated validators are those of the schemas as they are now', async () => {
    const url = pathToFileURL(`${REPO_ROOT}scripts/generate-validators.js`).href;
    const generator = (await import(url)) as {
      VALIDATORS: readonly { schema: string; module: string }[];
      validatorSource: (schemaFile: string) => string;
    };
    for (const { schema: file, module } of generator.VALIDATORS) {
      const current = readFileSync(`${REPO_ROOT}src/core/config/generated/${module}.ts`, 'utf8');
      assert.ok(
        current === generator.validatorSource(file),
        `src/core/config/generated/${module}.ts is older than ${file}: run node scripts/generate-validators.js`,
      );
    }
  });
});

describe('problems of a file', () => {
  it('come in the order the schema describes the file; a check beyond the schema beside its neighbours', () => {
    const found = problems(() =>
      parsePlanConfig(
        {
          services: [
            { name: 'api', instances: 1, pool: { maxConnections: 0, acquireTimeout: '0s' }, colour: 1 },
            { name: 'api', instances: 1, pool: { maxConnections: 1 } },
            { name: 'api', instances: 1, pool: { maxConnections: 1 } },
          ],
          failOn: 'always',
        },
        'p.json',
      ),
    );
    assert.deepEqual(found, [
      'failOn: expected one of info, warning, critical, never, got "always"',
      'services[0].colour: unknown key (allowed: name, target, workload, concurrency, instances, pool)',
      'services[0].pool.maxConnections: expected a whole number from 1 to 100000, got 0',
      'services[0].pool.acquireTimeout: expected a duration such as 500ms, 5s, 10min or 1h, got "0s"',
      'services: the name "api" is used twice',
    ]);
  });

  it('are worded from the schema: its errorMessage, its bounds, a required key’s title', () => {
    assert.deepEqual(
      problems(() =>
        parseWorkloadPreset({ minConnectionsFraction: 0, retries: [], testBeforeAcquire: 1 }, 'w.json', 'w'),
      ),
      [
        'maxConnections: missing (the pool size this workload starts from)',
        'minConnectionsFraction: expected a number above 0 and at most 1, got 0',
        'testBeforeAcquire: expected true or false, got 1',
        'retries: expected an object with maxRetries, baseDelay, maxDelay, got an array',
      ],
    );
  });

  it('a key the prototype has is still unknown, and a value never comes through the prototype', () => {
    // A missing key first, then the misspelt ones: ajv's order within an object.
    const found = problems(() =>
      parseWorkloadPreset(JSON.parse('{"constructor": 1, "toString": 2}'), 'w.json', 'w'),
    );
    assert.deepEqual(
      found.map((p) => p.split(':')[0]),
      ['maxConnections', 'constructor', 'toString'],
    );
  });
});
