import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectionError } from '../../src/core/errors.js';
import { connectionErrorFrom, sessionErrorFrom } from '../../src/probes/connection-errors.js';

const ctx = {
  display: 'app@db:5432/orders',
  host: 'db',
  port: 5432,
  user: 'app',
  database: 'orders',
  connectTimeoutMs: 10_000,
  source: '--db',
};

describe('connection errors become one line, a hint and exit 3', () => {
  const cases: [object, RegExp, string | undefined][] = [
    [
      { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' },
      /connection refused by db:5432/,
      'ECONNREFUSED',
    ],
    [{ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND db' }, /unknown host 'db'/, 'ENOTFOUND'],
    [
      { code: '28P01', message: 'password authentication failed for user "app"' },
      /password authentication failed for user "app"/,
      '28P01',
    ],
    [
      { code: '3D000', message: 'database "orders" does not exist' },
      /database "orders" does not exist/,
      '3D000',
    ],
    [
      { code: '53300', message: 'sorry, too many clients already' },
      /no connection slot for pooltune: sorry, too many clients already/,
      '53300',
    ],
    [
      { code: '28000', message: 'role "app" is not permitted to log in' },
      /refused the login of "app"/,
      '28000',
    ],
    [{ message: 'The server does not support SSL connections' }, /does not accept TLS/, 'no-tls'],
    [{ message: 'timeout expired' }, /no answer from db:5432 within 10s/, 'timeout'],
    [
      { code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' },
      /TLS to db:5432 failed: self-signed certificate/,
      'DEPTH_ZERO_SELF_SIGNED_CERT',
    ],
  ];
  for (const [raw, message, code] of cases) {
    it(message.source, () => {
      const error = connectionErrorFrom(
        Object.assign(new Error((raw as { message: string }).message), raw),
        ctx,
      );
      assert.ok(error instanceof ConnectionError);
      assert.equal(error.exitCode, 3);
      assert.equal(error.code, code);
      assert.match(error.message, message);
      assert.ok(error.hints.length > 0 || code === undefined);
    });
  }
});

describe('a pooler that turns pooltune away', () => {
  const refusal = (message: string) =>
    connectionErrorFrom(Object.assign(new Error(message), { code: '08P01' }), ctx) as ConnectionError;
  it('names a refused startup parameter, with the safe way out and a warning against the unsafe one', () => {
    const error = refusal('unsupported startup parameter: options');
    assert.ok(error instanceof ConnectionError);
    assert.equal(error.exitCode, 3);
    assert.match(
      error.message,
      /pooler at db:5432 refused a startup parameter: unsupported startup parameter: options/,
    );
    assert.match(error.hints.join('\n'), /PGOPTIONS.*do not add .*ignore_startup_parameters/);
  });
  const cases: [string, RegExp, RegExp][] = [
    ['no more connections allowed (max_client_conn)', /pooler at db:5432 is full/, /max_client_conn/],
    ['query_wait_timeout', /waited too long for a server connection/, /SHOW POOLS/],
    ['no such database: nope', /no database entry/, /\[databases\]/],
    ['password authentication failed', /refused the password of user "app"/, /auth_file or auth_query/],
    ['not allowed', /admin console/, /stats_users/],
    [
      'transaction blocks not allowed in statement pooling mode',
      /runs this pool in statement mode/,
      /transaction or session mode/,
    ],
    ['pgbouncer cannot connect to server', /cannot log in to the PostgreSQL server behind it/, /auth_file/],
  ];
  for (const [message, line, hint] of cases) {
    it(`explains "${message}" in one line with what to change`, () => {
      const error = refusal(message);
      assert.match(error.message, line);
      assert.equal(error.message.split('\n').length, 1);
      assert.match(error.hints.join('\n'), hint);
    });
  }
  it('explains a refusal in the middle of a session too', () => {
    const error = sessionErrorFrom(Object.assign(new Error('query_wait_timeout'), { code: '08P01' }), ctx);
    assert.ok(error instanceof ConnectionError);
    assert.match(error.message, /query_wait_timeout/);
  });
});

describe('a session lost mid-run', () => {
  it("says so in one line, without repeating pg's generic wording", () => {
    const lost = sessionErrorFrom(
      new Error('Client has encountered a connection error and is not queryable'),
      ctx,
    ) as ConnectionError;
    assert.ok(lost instanceof ConnectionError);
    assert.equal(lost.message, 'lost the connection to db:5432');
    const terminated = sessionErrorFrom(
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      ctx,
    ) as ConnectionError;
    assert.equal(
      terminated.message,
      'lost the connection to db:5432: terminating connection due to administrator command',
    );
  });
});

describe("a pooler's admin console given as the database", () => {
  it('says so, and which command judges the console alone', () => {
    const error = connectionErrorFrom(
      Object.assign(new Error("invalid command 'BEGIN READ ONLY; select 1', use SHOW HELP;"), {
        code: '08P01',
      }),
      ctx,
    ) as ConnectionError;
    assert.equal(error.message, "db:5432 is a pooler's admin console, not a database");
    assert.match(error.hints.join('\n'), /check-server --db <console URL>/);
  });
});
