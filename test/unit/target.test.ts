import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../src/core/errors.js';
import { describeTarget, resolveTarget } from '../../src/probes/target.js';
import { redact } from '../../src/ui/io.js';

describe('resolving the target like libpq tools', () => {
  it('--db wins over DATABASE_URL and PG*, and PG* fills what the URL leaves out', () => {
    const t = resolveTarget('postgres://app@db.internal/orders', {
      DATABASE_URL: 'postgres://other@elsewhere/x',
      PGPORT: '6432',
      PGPASSWORD: 'from-env',
      PGSSLMODE: 'require',
    });
    assert.deepEqual(
      [t.user, t.host, t.port, t.database, t.password, t.sslMode, t.source],
      ['app', 'db.internal', 6432, 'orders', 'from-env', 'require', '--db'],
    );
  });

  it('DATABASE_URL when there is no --db, then the PG* variables', () => {
    assert.equal(resolveTarget(undefined, { DATABASE_URL: 'postgres://a@h/d' }).source, 'DATABASE_URL');
    const t = resolveTarget(undefined, { PGHOST: '/var/run/postgresql', PGUSER: 'ops', PGDATABASE: 'main' });
    assert.deepEqual(
      [t.host, t.user, t.database, t.port, t.sslMode, t.source],
      ['/var/run/postgresql', 'ops', 'main', 5432, 'prefer', 'PG* environment'],
    );
  });

  it('decodes percent-encoded parts and reads URL parameters', () => {
    const t = resolveTarget(
      'postgresql://app:p%40ss%3Aw0rd@[::1]:5433/my%20db?sslmode=verify-full&sslrootcert=/ca.pem&connect_timeout=3',
      {},
    );
    assert.deepEqual(
      [t.password, t.host, t.port, t.database, t.sslMode, t.sslRootCert, t.connectTimeoutMs],
      ['p@ss:w0rd', '::1', 5433, 'my db', 'verify-full', '/ca.pem', 3000],
    );
    assert.equal(describeTarget(t), 'app@[::1]:5433/my db');
  });

  it('supports a Unix socket folder in the host parameter', () => {
    const t = resolveTarget('postgres:///app?host=/tmp/pg&user=me', {});
    assert.equal(t.host, '/tmp/pg');
    assert.equal(describeTarget(t), 'me@/tmp/pg:5432/app');
  });

  const bad: [string, RegExp][] = [
    ['not a url', /--db is not a valid connection URL/],
    ['mysql://u:pw@h/db', /must start with postgres:\/\//],
    ['postgres://u:pw@h:70000/db', /not a valid connection URL|port must be/],
    ['postgres://u:pw@h/db?sslmode=sometimes', /sslmode must be one of/],
    ['postgres://u:pw@h/db?frobnicate=1', /unsupported URL parameter 'frobnicate'/],
    ['postgres://u:%E0%A4%A@h/db', /broken percent-encoding/],
    ['', /--db is empty/],
  ];
  for (const [url, message] of bad) {
    it(`rejects ${JSON.stringify(url)} without repeating it`, () => {
      assert.throws(
        () => resolveTarget(url, {}),
        (e: unknown) => e instanceof UsageError && message.test(e.message) && !e.message.includes('pw@'),
      );
    });
  }
});

describe('redaction', () => {
  it('masks a secret and its percent-encoded form', () => {
    const secrets = new Set(['p@ss word']);
    assert.equal(redact('a p@ss word b p%40ss%20word c', secrets), 'a ******** b ******** c');
  });
});
