import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { EMITTERS, EMITTER_BY_NAME } from '../../src/report/emit/index.js';
import { OLTP_33, UNUSUAL } from '../helpers/examples.js';
import { GOLDEN_DIR, REPO_ROOT } from '../helpers/paths.js';

const run = promisify(execFile);
const UPDATE = process.env.UPDATE_GOLDEN === '1';

describe('emitters against golden files (the OLTP example, 33 concurrent requests)', () => {
  for (const name of EMITTERS) {
    it(name, () => {
      const emitted = EMITTER_BY_NAME[name]({ workload: 'oltp', pool: OLTP_33 });
      const actual = `${emitted.code}\n--- notes ---\n${emitted.notes.map((n) => `- ${n}`).join('\n')}\n`;
      const file = `${GOLDEN_DIR}oltp-33.${name}.txt`;
      if (UPDATE) writeFileSync(file, actual);
      assert.equal(
        actual,
        readFileSync(file, 'utf8'),
        `${file} differs (UPDATE_GOLDEN=1 rewrites it after review)`,
      );
    });
  }
});

const scratch = mkdtempSync(join(REPO_ROOT, '.tmp-emit-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('node-postgres: the printed options build a real pg.Pool', () => {
  for (const [label, pool] of [
    ['OLTP example', OLTP_33],
    ['unusual settings', UNUSUAL],
  ] as const) {
    it(label, async () => {
      const { code } = EMITTER_BY_NAME['node-postgres']({ workload: 'x', pool });
      // Inside the checkout, so that `import pg from 'pg'` resolves to our own dependency.
      const file = join(scratch, `${label.replace(/\W/g, '-')}.mjs`);
      writeFileSync(file, `${code}\nconsole.log(JSON.stringify(pool.options));\nawait pool.end();\n`);
      const { stdout } = await run(process.execPath, [file], { env: { PATH: process.env.PATH ?? '' } });
      const options = JSON.parse(stdout) as Record<string, unknown>;
      assert.equal(options.max, pool.maxConnections);
      assert.equal(options.min, pool.minConnections);
      assert.equal(options.connectionTimeoutMillis, pool.acquireTimeoutMs);
      assert.equal(options.idleTimeoutMillis, pool.idleTimeoutMs ?? 0);
      assert.equal(options.maxLifetimeSeconds, pool.maxLifetimeMs === null ? 0 : pool.maxLifetimeMs / 1000);
      assert.equal(options.statement_timeout, pool.queryTimeoutMs ?? 0);
    });
  }
});

// HikariConfig's settable properties (HikariCP 5/6 setters, minus the data-source ones we never print).
const HIKARI_PROPERTIES = new Set([
  'jdbcUrl',
  'username',
  'password',
  'maximumPoolSize',
  'minimumIdle',
  'connectionTimeout',
  'idleTimeout',
  'maxLifetime',
  'keepaliveTime',
  'validationTimeout',
  'connectionTestQuery',
  'connectionInitSql',
  'leakDetectionThreshold',
  'poolName',
  'autoCommit',
  'readOnly',
]);

function parseProperties(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const at = line.indexOf('=');
    assert.ok(at > 0, `a key=value line: ${line}`);
    entries.set(line.slice(0, at), line.slice(at + 1));
  }
  return entries;
}

describe('hikari: a properties file of real HikariConfig keys', () => {
  it('OLTP example', () => {
    const props = parseProperties(EMITTER_BY_NAME.hikari({ workload: 'oltp', pool: OLTP_33 }).code);
    for (const key of props.keys()) assert.ok(HIKARI_PROPERTIES.has(key), `unknown HikariCP property ${key}`);
    assert.equal(props.get('maximumPoolSize'), '40');
    assert.equal(props.get('minimumIdle'), '8');
    assert.equal(props.get('connectionTimeout'), '2000');
    assert.equal(props.get('maxLifetime'), '1800000');
    assert.equal(props.get('connectionInitSql'), "SET statement_timeout = '5s'");
  });

  it('raises values below HikariCP floors and says so', () => {
    const emitted = EMITTER_BY_NAME.hikari({
      workload: 'x',
      pool: { ...OLTP_33, acquireTimeoutMs: 100, idleTimeoutMs: 5000 },
    });
    const props = parseProperties(emitted.code);
    assert.equal(props.get('connectionTimeout'), '250');
    assert.equal(props.get('idleTimeout'), '10000');
    assert.ok(emitted.notes.some((n) => n.startsWith('connectionTimeout is raised')));
  });

  it('uses 0 for "none"', () => {
    const props = parseProperties(EMITTER_BY_NAME.hikari({ workload: 'x', pool: UNUSUAL }).code);
    assert.equal(props.get('idleTimeout'), '0');
    assert.equal(props.get('maxLifetime'), '0');
    assert.equal(props.get('connectionInitSql'), 'SET statement_timeout = 0');
  });
});

describe('env: a file a POSIX shell can source', () => {
  it('exports the values it prints', async () => {
    const file = join(scratch, 'pool.env');
    writeFileSync(file, EMITTER_BY_NAME.env({ workload: 'oltp', pool: OLTP_33 }).code);
    const { stdout } = await run('sh', ['-c', `set -a; . "${file}"; env`], { env: {} });
    const env = new Map(
      stdout.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    assert.equal(env.get('POOL_MAX_CONNECTIONS'), '40');
    assert.equal(env.get('POOL_ACQUIRE_TIMEOUT_MS'), '2000');
    assert.equal(env.get('PGOPTIONS'), '-c statement_timeout=5000');
  });
});

describe('json: parses and round-trips the settings', () => {
  it('OLTP example', () => {
    const doc = JSON.parse(EMITTER_BY_NAME.json({ workload: 'oltp', pool: UNUSUAL }).code) as Record<
      string,
      unknown
    >;
    assert.equal(doc.maxConnections, 3);
    assert.equal(doc.queryTimeoutMs, null);
    assert.deepEqual(doc.retries, UNUSUAL.retries);
  });
});
