import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { runCli } from '../helpers/cli.js';
import { PG_VERSIONS, startServer, type TestServer } from '../helpers/postgres.js';

function plan(apiPool: number, extra: Record<string, unknown> = {}) {
  return {
    target: { urlEnv: 'APP_DATABASE_URL' },
    workload: 'oltp',
    services: [
      {
        name: 'api',
        workload: 'oltp',
        concurrency: 8,
        instances: 6,
        pool: { maxConnections: apiPool, acquireTimeout: '2s', queryTimeout: '5s' },
      },
      { name: 'worker', workload: 'batch', instances: 2, pool: { maxConnections: 10 } },
    ],
    ...extra,
  };
}

interface Doc {
  exitCode: number;
  findings: {
    id: string;
    severity: string;
    title: string;
    observed?: string;
    subject?: string;
    hints?: string[];
  }[];
  ignored: { finding: { id: string }; reason: string }[];
}

for (const version of PG_VERSIONS) {
  describe(`preflight against PostgreSQL ${version}`, () => {
    let server: TestServer;
    let dir: string;
    const env = () => ({ APP_DATABASE_URL: server.url() });
    const writePlan = (content: unknown) =>
      writeFile(join(dir, 'pooltune.config.json'), JSON.stringify(content, null, 2));
    const preflight = (args: string[], extraEnv: Record<string, string> = {}) =>
      runCli(['preflight', '--duration', '200ms', ...args], { cwd: dir, env: { ...env(), ...extraEnv } });

    before(async () => {
      server = await startServer({
        version,
        settings: {
          max_connections: 100,
          idle_in_transaction_session_timeout: '5min',
          statement_timeout: '30s',
        },
      });
      dir = await mkdtemp(join(tmpdir(), 'pooltune-plan-'));
    });
    after(async () => {
      await server?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    it('api 6 × 50 + worker 2 × 10 against max_connections 100 fails with the arithmetic and the fixes', async () => {
      await writePlan(plan(50));
      const r = await preflight(['--json']);
      assert.equal(r.code, 1, r.stderr);
      const doc = JSON.parse(r.stdout) as Doc;
      const fleet = doc.findings.find((f) => f.id === 'plan-fleet');
      assert.equal(fleet?.severity, 'critical');
      assert.match(fleet?.title ?? '', /needs 320 connections at peak but only 97 slots are free/);
      assert.match(
        fleet?.observed ?? '',
        /needed 320 .*usable 97 = max_connections 100 − 3 reserved; 0 held now/,
      );
      assert.deepEqual(fleet?.hints, ['raise-max-connections', 'fewer-instances', 'pgbouncer']);
    });

    it('the same plan with api at 6 × 10 passes', async () => {
      await writePlan(plan(10));
      const r = await preflight([]);
      assert.equal(r.code, 0, r.stdout);
      assert.match(r.stdout, /the plan needs 80/);
    });

    it('the same plan fails with a 25 % deploy surge, which it fits only at rest, and says by how much', async () => {
      await writePlan(plan(10, { surge: '25%' }));
      const r = await preflight(['--json']);
      assert.equal(r.code, 1, r.stderr);
      const doc = JSON.parse(r.stdout) as Doc;
      assert.notEqual(doc.findings.find((f) => f.id === 'plan-fleet')?.severity, 'critical');
      const surge = doc.findings.find((f) => f.id === 'plan-surge');
      assert.equal(surge?.severity, 'critical');
      assert.match(
        surge?.title ?? '',
        /fits at rest \(80 of 97 free slots\) but not during a deploy: with a 25 % surge it needs 110 connections, 13 short/,
      );
      const text = await preflight([]);
      assert.match(text.stdout, /not during a deploy/);
    });

    it('takes --server-memory, which its skipped memory check asks for, and judges the memory with it', async () => {
      await writePlan(plan(10));
      const without = JSON.parse((await preflight(['--json', '--no-health'])).stdout) as Doc & {
        skipped: { id: string; enableWith?: string }[];
      };
      const skip = without.skipped.find((s) => s.id === 'connection-memory');
      assert.match(skip?.enableWith ?? '', /--server-memory/);
      const r = await preflight(['--json', '--no-health', '--server-memory', '16GB']);
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(r.stdout) as Doc & { skipped: { id: string }[] };
      assert.ok(!doc.skipped.some((s) => s.id === 'connection-memory'), 'no longer skipped');
      assert.match(
        doc.findings.find((f) => f.id === 'connection-memory')?.title ?? '',
        /of the server's 16GB/,
      );
    });

    it('--fail-on never exits 0 when the checks ran; warning and info fail on lesser findings', async () => {
      await writePlan(plan(50));
      assert.equal((await preflight(['--fail-on', 'never'])).code, 0);
      await writePlan(plan(10));
      assert.equal((await preflight(['--fail-on', 'critical'])).code, 0);
      assert.equal(
        (await preflight(['--fail-on', 'warning'])).code,
        1,
        'the 80 % share is exceeded: a warning',
      );
      assert.equal(
        (await preflight([], { POOLTUNE_FAIL_ON: 'warning' })).code,
        1,
        'the environment beats the file',
      );
      await writePlan(plan(10, { failOn: 'warning' }));
      assert.equal((await preflight([])).code, 1, 'the file beats the default');
      assert.equal((await preflight(['--fail-on', 'critical'])).code, 0, 'a flag beats the file');
    });

    it('an ignored finding does not fail the gate and is listed with its reason', async () => {
      await writePlan(
        plan(10, {
          failOn: 'warning',
          ignore: [
            { id: 'plan-fleet', reason: 'the api scales down at night' },
            { id: 'pool-too-large', service: 'worker', reason: 'bursts' },
          ],
        }),
      );
      // Without the live probe: on a busy machine its acquisition wait is a warning of its own, and the
      // gate is about the plan's findings that the file ignores.
      const r = await preflight(['--json', '--no-health']);
      const doc = JSON.parse(r.stdout) as Doc;
      assert.deepEqual(
        doc.ignored.map((i) => [i.finding.id, i.reason]),
        [
          ['plan-fleet', 'the api scales down at night'],
          ['pool-too-large', 'bursts'],
        ],
      );
      assert.equal(
        doc.findings.find((f) => f.id === 'plan-fleet'),
        undefined,
      );
      assert.equal(r.code, 0, JSON.stringify(doc.findings.filter((f) => f.severity === 'warning')));
      const text = await preflight([]);
      assert.match(
        text.stdout,
        /Ignored \(by the config file\)\n {2}warning plan-fleet: the api scales down at night/,
      );
    });

    it('the documented CI command: annotations on stdout, the report in $GITHUB_STEP_SUMMARY, JUnit to a file', async () => {
      await writePlan(plan(50));
      const summary = join(dir, 'summary.md');
      const r = await preflight(['--format', 'github'], { GITHUB_STEP_SUMMARY: summary });
      assert.equal(r.code, 1);
      assert.match(
        r.stdout,
        /^::error title=pooltune preflight%3A plan-fleet::The plan needs 320 connections/m,
      );
      assert.match(await readFile(summary, 'utf8'), /^## pooltune preflight: pooltune\.config\.json/);
      const junit = join(dir, 'preflight.xml');
      const j = await preflight(['--format', 'junit', '--output', junit]);
      assert.equal(j.code, 1);
      assert.match(j.stdout, /Preflight of pooltune\.config\.json/, 'the terminal gets the text');
      const xml = new XMLParser({ ignoreAttributes: false }).parse(await readFile(junit, 'utf8')) as {
        testsuites: { testsuite: { '@_failures': string; testcase: unknown[] } };
      };
      assert.equal(xml.testsuites.testsuite['@_failures'], '1');
    });

    it('a broken plan file exits 2 and lists every problem with its path', async () => {
      await writeFile(join(dir, 'pooltune.config.json'), '{ "services": [ ');
      const notJson = await preflight([]);
      assert.equal(notJson.code, 2);
      assert.match(notJson.stderr, /pooltune\.config\.json: not valid JSON/);
      await writePlan({
        colour: 'blue',
        services: [
          { name: 'api', instances: 'six', pool: {} },
          { instances: 1, pool: { maxConnections: 1 } },
        ],
      });
      const broken = await preflight([]);
      assert.equal(broken.code, 2);
      for (const path of [
        'colour: unknown key',
        'services\\[0\\]\\.instances: expected a whole number',
        'services\\[0\\]\\.pool\\.maxConnections: missing',
        'services\\[1\\]\\.name: missing',
      ]) {
        assert.match(broken.stderr, new RegExp(`pooltune\\.config\\.json: ${path}`));
      }
      const missing = await runCli(['preflight', '--config', 'nope.json'], { cwd: dir });
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /--config: no such file nope\.json/);
    });

    it('check-server and recommend read the plan too', async () => {
      await writePlan(plan(50));
      const check = await runCli(['check-server', '--json'], { cwd: dir, env: env() });
      assert.equal(check.code, 1);
      assert.ok((JSON.parse(check.stdout) as Doc).findings.some((f) => f.id === 'plan-fleet'));
      // --service sizes against the plan's target (target.urlEnv), as preflight checks it.
      const rec = await runCli(['recommend', '--service', 'api', '--json'], { cwd: dir, env: env() });
      assert.equal(rec.code, 0, rec.stderr);
      const doc = JSON.parse(rec.stdout) as {
        target: string | null;
        inputs: {
          instances: { value: number; source: string };
          otherConnections: { value: number };
          serverMaxConnections: { value: number; source: string };
        };
      };
      assert.deepEqual(
        [doc.inputs.instances.value, doc.inputs.instances.source, doc.inputs.otherConnections.value],
        [6, 'plan', 20],
      );
      const [max] = await server.sql<{ max_connections: string }>('show max_connections');
      assert.deepEqual(doc.inputs.serverMaxConnections, {
        value: Number(max?.max_connections),
        source: 'server',
      });
      assert.equal(doc.target, `postgres@127.0.0.1:${server.port}/postgres`);
    });
  });
}
