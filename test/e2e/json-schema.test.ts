import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { runCli } from '../helpers/cli.js';
import { applyLoad } from '../helpers/load.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { startServer, type TestServer } from '../helpers/postgres.js';

// Ajv is CommonJS: under NodeNext the default import is module.exports, whose `default` is the class.
const Ajv = Ajv2020.default;

let validate: ValidateFunction;

async function compileSchema(): Promise<ValidateFunction> {
  const schema = JSON.parse(await readFile(`${REPO_ROOT}schemas/report.schema.json`, 'utf8')) as object;
  // Strict, so a sloppy schema (an unknown keyword, a keyword its type cannot carry) fails here; but
  // `required` in an if/then branch names properties declared at the top, which strictRequired misreads.
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  return ajv.compile(schema);
}

function explain(errors: readonly ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('\n');
}

/** Runs the CLI with --json and checks its one document against the published schema. */
async function validReport(args: string[], expectedCode: number): Promise<Record<string, unknown>> {
  const r = await runCli([...args, '--json']);
  assert.equal(r.code, expectedCode, `exit ${expectedCode}; stderr: ${r.stderr}`);
  const doc = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.ok(validate(doc), `${args.join(' ')} matches the schema:\n${explain(validate.errors)}`);
  return doc;
}

before(async () => {
  validate = await compileSchema();
});

describe('the JSON report schema, against real output', () => {
  it('recommend, within budget', async () => {
    const doc = await validReport(['recommend', '-w', 'oltp', '-c', '33'], 0);
    assert.equal(doc.command, 'recommend');
    assert.equal(doc.target, null);
  });

  it('recommend, over budget: a critical finding with a fix and hints', async () => {
    const doc = await validReport(
      ['recommend', '-w', 'oltp', '-c', '100', '--server-max-connections', '50'],
      1,
    );
    assert.ok((doc.findings as { severity: string }[]).some((f) => f.severity === 'critical'));
  });

  it('recommend from traffic: the sizing, its table and the reason', async () => {
    const doc = await validReport(['recommend', '--rps', '200', '--hold-ms', '20', '--db-cores', '4'], 0);
    const traffic = doc.traffic as { sizing: { busyConnections: number; chosenPoolSize: number } };
    assert.equal(traffic.sizing.busyConnections, 4);
    assert.equal(traffic.sizing.chosenPoolSize, 8);
    assert.equal(doc.traffic && validate({ ...doc, traffic: { ...traffic, rateSource: 'guess' } }), false);
  });

  it('recommend from traffic over budget: unbounded waits are null, not Infinity', async () => {
    const doc = await validReport(
      ['recommend', '--rps', '200', '--hold-ms', '20', '--server-max-connections', '5'],
      1,
    );
    const { sizing } = doc.traffic as { sizing: { atChosen: { meanWaitMs: unknown } } };
    assert.equal(sizing.atChosen.meanWaitMs, null);
  });

  it('rejects documents that break the contract, so the checks above can fail', async () => {
    const { stdout } = await runCli([
      'recommend',
      '-w',
      'oltp',
      '-c',
      '100',
      '--server-max-connections',
      '50',
      '--json',
    ]);
    const good = JSON.parse(stdout) as { findings: Record<string, unknown>[]; [key: string]: unknown };
    const mangle = (change: (doc: typeof good) => void) => {
      const copy = structuredClone(good);
      change(copy);
      return copy;
    };
    const cases: [string, typeof good, string][] = [
      [
        'severity fatal',
        mangle((d) => void (d.findings[0] = { ...d.findings[0], severity: 'fatal' })),
        '/findings/0/severity',
      ],
      [
        'id not kebab-case',
        mangle((d) => void (d.findings[0] = { ...d.findings[0], id: 'Budget_Shortfall' })),
        '/findings/0/id',
      ],
      ['schemaVersion 2', mangle((d) => void (d.schemaVersion = 2)), '/schemaVersion'],
      ['no summary', mangle((d) => void delete d.summary), '/'],
      ['recommend without its recommendation', mangle((d) => void delete d.recommendation), '/'],
      ['unknown command', mangle((d) => void (d.command = 'deploy')), '/command'],
    ];
    for (const [what, doc, path] of cases) {
      assert.equal(validate(doc), false, `${what} is rejected`);
      assert.ok(
        validate.errors?.some((e) => (e.instancePath || '/') === path),
        `${what}: an error at ${path}, got\n${explain(validate.errors)}`,
      );
    }
  });

  it("one command's fields do not constrain another's: a preflight plan may be a list", async () => {
    const { stdout } = await runCli(['recommend', '-w', 'oltp', '-c', '33', '--json']);
    const envelope = JSON.parse(stdout) as Record<string, unknown>;
    for (const own of ['inputs', 'recommendation', 'emitted']) delete envelope[own];
    const preflight = {
      ...envelope,
      command: 'preflight',
      plan: [{ service: 'api' }],
      server: null,
      metrics: null,
    };
    assert.ok(validate(preflight), explain(validate.errors));
  });

  describe('against PostgreSQL 18', () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ version: 18 });
      // A role without pg_monitor, so that some checks are skipped and the skipped shape is exercised.
      await server.sql('CREATE ROLE app LOGIN');
    });
    after(() => server?.stop());

    it('check-server', async () => {
      const doc = await validReport(['check-server', '--db', server.url()], 0);
      assert.equal(doc.command, 'check-server');
      assert.equal(typeof doc.serverVersion, 'string');
    });

    it('check-server as a role that cannot see other sessions: skipped checks', async () => {
      const doc = await validReport(['check-server', '--db', server.url('app'), '--fail-on', 'never'], 0);
      assert.ok((doc.skipped as unknown[]).length > 0);
    });

    it('health', async () => {
      const doc = await validReport(['health', '--db', server.url(), '--duration', '200ms'], 0);
      assert.equal(doc.command, 'health');
      assert.ok(typeof doc.metrics === 'object' && doc.metrics !== null);
    });

    // Loads far from the thresholds that set the exit code, so that a busy machine cannot tip them: few
    // short requests for exit 0; for exit 1, holds far longer than the acquire timeout, which in turn is far
    // longer than opening a connection takes (pg.Pool bounds that by the same timeout).
    it('bench, open loop with a comparison, and closed loop with timeouts', async () => {
      const doc = await validReport(
        [
          'bench',
          '--db',
          server.url(),
          '--pool-max',
          '2',
          '--rate',
          '40',
          '--hold-ms',
          '2',
          '--hold-dist',
          'exp',
          '--duration',
          '500ms',
          '--warmup',
          '0',
          '--compare',
          'pool-max=3',
        ],
        0,
      );
      assert.equal((doc.runs as unknown[]).length, 2);
      await validReport(
        [
          'bench',
          '--db',
          server.url(),
          '--pool-max',
          '1',
          '--clients',
          '4',
          '--hold-ms',
          '1000',
          '--acquire-timeout',
          '300ms',
          '--duration',
          '500ms',
          '--warmup',
          '0',
        ],
        1,
      );
    });

    it('bench --instances 2: a fleet, each instance with its own model', async () => {
      const doc = await validReport(
        [
          'bench',
          '--db',
          server.url(),
          '--pool-max',
          '2',
          '--instances',
          '2',
          '--rate',
          '40',
          '--hold-ms',
          '2',
          '--duration',
          '500ms',
          '--warmup',
          '0',
        ],
        0,
      );
      const [run] = doc.runs as { instances: number; fleet: unknown[] }[];
      assert.deepEqual([run?.instances, run?.fleet.length], [2, 2]);
    });

    it('health with a schema that is not there: critical schema findings', async () => {
      const doc = await validReport(
        [
          'health',
          '--db',
          server.url('app'),
          '--duration',
          '200ms',
          '--schema',
          'eventcore',
          '--fail-on',
          'never',
        ],
        0,
      );
      const findings = doc.findings as { id: string; severity: string; title: string }[];
      const objects = findings.find((f) => f.id === 'schema-objects');
      assert.equal(objects?.severity, 'critical', JSON.stringify(findings));
      assert.match(objects.title, /missing/);
    });

    it('recommend --measure: what the server showed, with its caveats', async () => {
      const load = await applyLoad(server, { clients: 2, holdMs: 20 });
      const doc = await validReport(
        ['recommend', '--db', server.url(), '--measure', '5s', '--hold-ms', '20', '--fail-on', 'never'],
        0,
      ).finally(() => load.stop());
      const traffic = doc.traffic as { measured: { caveats: string[] }; holdSource: string };
      assert.ok(traffic.measured.caveats.length >= 3);
      assert.equal(traffic.holdSource, 'flag');
    });

    it('monitor: the last NDJSON line is the report', async () => {
      const r = await runCli([
        'monitor',
        '--db',
        server.url(),
        '--interval',
        '100ms',
        '--duration',
        '300ms',
        '--json',
      ]);
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout.trimEnd().split('\n');
      const doc = JSON.parse(lines[lines.length - 1] ?? '') as Record<string, unknown>;
      assert.ok(validate(doc), `monitor matches the schema:\n${explain(validate.errors)}`);
      assert.equal(doc.command, 'monitor');
      assert.equal(doc.type, 'summary');
      const bad = { ...doc, stats: { ...(doc.stats as object), samples: -1 } };
      assert.equal(validate(bad), false, 'a negative sample count is rejected');
    });

    it('recommend with the budget read from the server', async () => {
      const doc = await validReport(['recommend', '-w', 'oltp', '-c', '33', '--db', server.url()], 0);
      assert.equal(typeof doc.target, 'string');
    });
  });
});
