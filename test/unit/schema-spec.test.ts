import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadSchemaSpec } from '../../src/config/load-schema-spec.js';
import { InputFileError, UsageError } from '../../src/core/errors.js';
import { EVENTCORE_SCHEMA_SPEC } from '../../src/core/schema/eventcore.js';
import {
  COLUMN_KEYS,
  INDEX_KEYS,
  SPEC_KEYS,
  TABLE_KEYS,
  parseSchemaSpec,
} from '../../src/core/schema/spec.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { fixtureText } from '../helpers/schema-fixtures.js';

function problemsOf(raw: unknown): readonly string[] {
  try {
    parseSchemaSpec(raw, 'mine.json', 'mine');
  } catch (error) {
    assert.ok(error instanceof InputFileError);
    assert.equal(error.file, 'mine.json');
    return error.problems;
  }
  assert.fail('expected the spec to be rejected');
}

describe('schema spec files', () => {
  it('the example parses, with aliases spelled the way the catalog spells them', () => {
    const spec = parseSchemaSpec(
      JSON.parse(fixtureText('schema-spec.example.json')),
      'example.json',
      'example',
    );
    assert.equal(spec.title, 'bookshop');
    assert.equal(spec.schema, 'shop');
    assert.equal(spec.migrations, undefined);
    assert.deepEqual(
      spec.tables.map((t) => t.name),
      ['customers', 'books', 'orders', 'order_lines'],
    );
    const customers = spec.tables[0];
    assert.deepEqual(customers?.columns[0], { name: 'customer_id', type: 'bigint', nullable: false });
    assert.deepEqual(customers?.columns[1]?.type, 'character varying(320)');
    assert.deepEqual(customers?.indexes, [{ name: 'customers_email_key', columns: ['email'], unique: true }]);
    assert.deepEqual(
      spec.tables[1]?.columns.map((c) => c.type),
      ['character(13)', 'text', 'numeric(8,2)', 'text[]'],
    );
    assert.deepEqual(spec.tables[3]?.primaryKey, ['order_id', 'isbn']);
  });

  it('a spec with only table names is enough', () => {
    const spec = parseSchemaSpec({ tables: [{ name: 'orders' }] }, 'f.json', 'f');
    assert.equal(spec.title, 'f');
    assert.equal(spec.schema, undefined);
    assert.deepEqual(spec.tables, [{ name: 'orders', columns: [], indexes: [], triggers: [] }]);
  });

  it('reports every problem at once, each naming its key path', () => {
    const problems = problemsOf({
      name: '',
      colour: 'blue',
      tables: [
        { name: 'orders', columns: [{ name: 'id', type: 'bigint' }] },
        {
          name: 'lines',
          columns: [{ type: 'int' }, { name: 'qty', type: '', nullable: 'no' }, 'price', { name: 'qty' }],
          indexes: [{ name: 'lines_idx', columns: [], uniq: true }, { name: 'lines_idx' }],
          primaryKey: 'id',
          owner: 'me',
        },
        { name: 'orders', indexes: {} },
        { name: 'x'.repeat(64) },
      ],
    });
    const paths = problems.map((p) => p.split(': ')[0]);
    assert.deepEqual(paths, [
      'colour',
      'name',
      'tables[1].owner',
      'tables[1].columns[0].name',
      'tables[1].columns[1].type',
      'tables[1].columns[1].nullable',
      'tables[1].columns[2]',
      'tables[1].columns[3].name',
      'tables[1].indexes[0].uniq',
      'tables[1].indexes[0].columns',
      'tables[1].indexes[1].name',
      'tables[1].primaryKey',
      'tables[2].indexes',
      'tables[2].name',
      'tables[3].name',
    ]);
    const text = problems.join('\n');
    assert.match(text, /tables\[1\]\.columns\[0\]\.name: missing$/m);
    assert.match(text, /tables\[1\]\.columns\[1\]\.type: expected a type such as text, bigint, timestamptz/);
    assert.match(
      text,
      /tables\[1\]\.columns\[3\]\.name: column "qty" is listed twice \(also at tables\[1\]\.columns\[1\]\.name\)/,
    );
    assert.match(text, /tables\[1\]\.indexes\[0\]\.uniq: unknown key \(allowed: name, columns, unique\)/);
    assert.match(text, /tables\[1\]\.indexes\[1\]\.name: index "lines_idx" is listed twice/);
    assert.match(text, /tables\[2\]\.name: table "orders" is listed twice \(also at tables\[0\]\.name\)/);
    assert.match(text, /tables\[3\]\.name: .* is 64 bytes long; PostgreSQL keeps only the first 63 bytes/);
    assert.match(text, /colour: unknown key \(allowed: name, schema, tables\)/);
  });

  it('rejects a missing or empty table list, and non-objects', () => {
    assert.deepEqual(problemsOf({}), ['tables: missing (the list of tables to look for)']);
    assert.match(
      problemsOf({ tables: [] })[0] ?? '',
      /tables: expected a list of one or more tables, got an array/,
    );
    assert.match(problemsOf([])[0] ?? '', /expected a JSON object with "tables", got an array/);
    assert.match(
      problemsOf({ tables: [{ name: 'a' }], schema: 7 })[0] ?? '',
      /^schema: expected a non-empty name, got 7/,
    );
  });

  it('the JSON Schema describes exactly the keys the parser accepts', () => {
    const schema = JSON.parse(fixtureText('../../workloads/schema-spec.schema.json')) as {
      properties: Record<string, unknown>;
      required: string[];
      additionalProperties: boolean;
      $defs: Record<string, { properties?: Record<string, unknown>; additionalProperties?: boolean }>;
    };
    assert.deepEqual(Object.keys(schema.properties).sort(), [...SPEC_KEYS].sort());
    assert.deepEqual(schema.required, ['tables']);
    assert.equal(schema.additionalProperties, false);
    for (const [def, keys] of [
      ['table', TABLE_KEYS],
      ['column', COLUMN_KEYS],
      ['index', INDEX_KEYS],
    ] as const) {
      assert.deepEqual(Object.keys(schema.$defs[def]?.properties ?? {}).sort(), [...keys].sort(), def);
      assert.equal(schema.$defs[def]?.additionalProperties, false, def);
    }
  });
});

describe('loadSchemaSpec', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pooltune-schema-spec-'));
    await writeFile(join(dir, 'broken.json'), '{ "tables": [ }');
    await writeFile(
      join(dir, 'bad.json'),
      JSON.stringify({ tables: [{ name: '' }, { name: 'b', extra: 1 }] }),
    );
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('eventcore is built in', async () => {
    assert.equal(await loadSchemaSpec('eventcore', dir), EVENTCORE_SCHEMA_SPEC);
  });

  it('reads a file relative to cwd and names the spec after it unless it has a name', async () => {
    const spec = await loadSchemaSpec('test/fixtures/schema-spec.example.json', REPO_ROOT);
    assert.equal(spec.title, 'bookshop');
    assert.equal(spec.origin, 'test/fixtures/schema-spec.example.json');
  });

  it('an unknown name is a usage error', async () => {
    await assert.rejects(loadSchemaSpec('eventcore2', dir), (e: Error) => {
      assert.ok(e instanceof UsageError);
      assert.match(
        e.message,
        /--schema: unknown schema 'eventcore2'; expected eventcore or the path of a spec file/,
      );
      return true;
    });
  });

  it('a missing, broken or invalid file is an InputFileError (exit 2) naming the file as written', async () => {
    const failure = async (value: string) => {
      try {
        await loadSchemaSpec(value, dir);
      } catch (error) {
        assert.ok(error instanceof InputFileError);
        assert.equal(error.exitCode, 2);
        assert.equal(error.file, value);
        return error.problems;
      }
      assert.fail(`${value} should be rejected`);
    };
    assert.deepEqual(await failure('./nope.json'), ['cannot read the schema spec file (no such file)']);
    assert.match((await failure('broken.json'))[0] ?? '', /^not valid JSON: /);
    assert.deepEqual(
      (await failure('bad.json')).map((p) => p.split(':')[0]),
      ['tables[0].name', 'tables[1].extra'],
    );
  });
});
