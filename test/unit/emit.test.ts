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

describe('emitters behind a pooler, against golden files (OLTP 33, role app)', () => {
  for (const mode of ['transaction', 'session'] as const) {
    for (const name of EMITTERS) {
      it(`${name}, ${mode} mode`, () => {
        const emitted = EMITTER_BY_NAME[name]({
          workload: 'oltp',
          pool: OLTP_33,
          behindPooler: mode,
          role: 'app',
        });
        const actual = `${emitted.code}\n--- notes ---\n${emitted.notes.map((n) => `- ${n}`).join('\n')}\n`;
        const file = `${GOLDEN_DIR}oltp-33.${name}.behind-${mode}.txt`;
        if (UPDATE) writeFileSync(file, actual);
        assert.equal(
          actual,
          readFileSync(file, 'utf8'),
          `${file} differs (UPDATE_GOLDEN=1 rewrites it after review)`,
        );
      });
    }
  }
});

describe('behind a pooler: no startup parameters, the timeout on the role', () => {
  // What PgBouncer refuses at connect time, however each library spells it.
  const STARTUP = /statement_timeout:|\.options\(|PGOPTIONS=|connectionInitSql=/;
  for (const name of EMITTERS) {
    it(`${name} sends none and says why`, () => {
      const emitted = EMITTER_BY_NAME[name]({ workload: 'oltp', pool: OLTP_33, behindPooler: 'transaction' });
      assert.doesNotMatch(emitted.code, STARTUP);
      if (name !== 'pgbouncer') {
        assert.match(
          `${emitted.code}\n${emitted.notes.join('\n')}`,
          /ALTER ROLE <application role> SET statement_timeout = '5s';/,
        );
        assert.ok(
          emitted.notes.some((n) => /PgBouncer/.test(n)),
          'a note says what changed for the pooler',
        );
      }
    });
  }

  it('quotes a known role as an identifier', () => {
    const { code } = EMITTER_BY_NAME['node-postgres']({
      workload: 'oltp',
      pool: OLTP_33,
      behindPooler: 'transaction',
      role: 'my-app',
    });
    assert.match(code, /ALTER ROLE "my-app" SET statement_timeout = '5s';/);
  });

  it('turns prepared statements off in transaction mode only', () => {
    const emit = (name: 'sqlx' | 'hikari', mode: 'transaction' | 'session') =>
      EMITTER_BY_NAME[name]({ workload: 'oltp', pool: OLTP_33, behindPooler: mode }).code;
    assert.match(emit('sqlx', 'transaction'), /\.statement_cache_capacity\(0\)/);
    assert.doesNotMatch(emit('sqlx', 'session'), /statement_cache_capacity/);
    assert.match(emit('hikari', 'transaction'), /^dataSource\.prepareThreshold=0$/m);
    assert.doesNotMatch(emit('hikari', 'session'), /prepareThreshold/);
    // Session mode keeps its server connection: the SET on connect is safe there.
    assert.match(emit('hikari', 'session'), /^connectionInitSql=SET statement_timeout = '5s'$/m);
  });
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

describe('node-postgres behind a pooler: a real pg.Pool with no statement_timeout', () => {
  it('OLTP example, transaction mode', async () => {
    const { code } = EMITTER_BY_NAME['node-postgres']({
      workload: 'x',
      pool: OLTP_33,
      behindPooler: 'transaction',
    });
    const file = join(scratch, 'behind-pooler.mjs');
    writeFileSync(file, `${code}\nconsole.log(JSON.stringify(pool.options));\nawait pool.end();\n`);
    const { stdout } = await run(process.execPath, [file], { env: { PATH: process.env.PATH ?? '' } });
    const options = JSON.parse(stdout) as Record<string, unknown>;
    assert.equal(options.max, OLTP_33.maxConnections);
    assert.equal(options.statement_timeout, undefined);
    assert.equal(options.options, undefined);
  });
});

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

  it('behind a transaction-mode pooler: only real keys, and pgJDBC data-source properties', () => {
    const props = parseProperties(
      EMITTER_BY_NAME.hikari({ workload: 'oltp', pool: OLTP_33, behindPooler: 'transaction' }).code,
    );
    for (const key of props.keys()) {
      assert.ok(
        HIKARI_PROPERTIES.has(key) || key === 'dataSource.prepareThreshold',
        `unknown property ${key}`,
      );
    }
    assert.equal(props.get('connectionInitSql'), undefined);
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

describe('env behind a pooler: sources without PGOPTIONS', () => {
  it('transaction mode', async () => {
    const file = join(scratch, 'pooled.env');
    writeFileSync(
      file,
      EMITTER_BY_NAME.env({ workload: 'oltp', pool: OLTP_33, behindPooler: 'transaction' }).code,
    );
    const { stdout } = await run('sh', ['-c', `set -a; . "${file}"; env`], { env: {} });
    assert.doesNotMatch(stdout, /PGOPTIONS/);
    assert.match(stdout, /^POOL_PREPARED_STATEMENTS=false$/m);
    assert.match(stdout, /^POOL_MAX_CONNECTIONS=40$/m);
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
