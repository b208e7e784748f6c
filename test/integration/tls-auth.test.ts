/**
 * TLS and authentication against real servers: sslmode with throwaway certificates, SCRAM and md5, the
 * password file, Unix sockets, IPv6 loopback, and a password full of URL-special characters that must
 * never be printed. test/integration/connection.test.ts covers the rest of connecting.
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, type CliResult } from '../helpers/cli.js';
import { PG_VERSIONS, startServer, type PgVersion, type TestServer } from '../helpers/postgres.js';
import { makeTestCertificates, type TestCertificates } from '../helpers/tls.js';

const NO_STACK = /\n\s+at |node:internal/;
const PASSWORD = 'right-Pa55word';
const SPECIAL = 'p@ss:w/o%rd#1?&=';
const MASK = '********';

/** Connected and ran: `--fail-on never` leaves exit 3 (cannot connect) as the only way not to get 0. */
function assertConnected(r: CliResult, version: PgVersion, target?: string): void {
  assert.equal(r.code, 0, `exit 0: ${r.stderr}`);
  const doc = JSON.parse(r.stdout) as { target: string; serverVersion: string };
  assert.equal(Math.floor(Number(doc.serverVersion)), version);
  if (target !== undefined) assert.equal(doc.target, target);
}

/** Exit 3, nothing on stdout, one line and one hint on stderr, no stack trace. */
function assertCannotConnect(r: CliResult, message: RegExp, hint?: RegExp): void {
  assert.equal(r.code, 3, `exit 3: ${r.stderr}`);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 2, `one line and a hint: ${r.stderr}`);
  assert.match(lines[0] ?? '', /^pooltune: error: /);
  assert.match(lines[0] ?? '', message);
  assert.match(lines[1] ?? '', /^ {2}hint: /);
  if (hint) assert.match(lines[1] ?? '', hint);
  assert.doesNotMatch(r.stderr, NO_STACK);
}

const checkServer = (db: string | undefined, env: Record<string, string>) =>
  runCli(['check-server', ...(db === undefined ? [] : ['--db', db]), '--json', '--fail-on', 'never'], {
    env,
  });

async function ipv6LoopbackProblem(): Promise<string | undefined> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error) => resolve(error.message));
    probe.listen(0, '::1', () => probe.close(() => resolve(undefined)));
  });
}

let certs: TestCertificates;
let scratch: string;
before(async () => {
  certs = await makeTestCertificates();
  scratch = await mkdtemp(join(tmpdir(), 'pooltune-tls-auth-'));
});
after(async () => {
  await certs?.remove();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

for (const version of PG_VERSIONS) {
  describe(`TLS and authentication on PostgreSQL ${version}`, () => {
    // hostssl only: every TCP login that succeeds on `tls` went over TLS.
    let tls: TestServer;
    // Its certificate names DNS:localhost only, so 127.0.0.1 does not match it.
    let tlsLocalhostOnly: TestServer;
    let scram: TestServer;
    let md5: TestServer;
    let plain: TestServer;
    let home: string;
    const env = (): Record<string, string> => ({ HOME: home });

    before(async () => {
      home = join(scratch, `home-${version}`);
      await mkdir(home);
      const hostsslOnly = ['hostnossl all all all reject'];
      tls = await startServer({ version, ssl: { ...certs.server, caFile: certs.caFile }, hba: hostsslOnly });
      tlsLocalhostOnly = await startServer({ version, ssl: certs.localhostOnly, hba: hostsslOnly });
      scram = await startServer({ version, auth: 'scram-sha-256' });
      // Set before the role gets its password: an md5 login needs an md5-stored password.
      md5 = await startServer({ version, auth: 'md5', settings: { password_encryption: 'md5' } });
      plain = await startServer({ version, listenIpv6: true });
      for (const server of [scram, md5]) await server.sql(`CREATE ROLE app LOGIN PASSWORD '${PASSWORD}'`);
      await scram.sql(`CREATE ROLE special LOGIN PASSWORD '${SPECIAL.replaceAll("'", "''")}'`);
    });
    after(async () => {
      await Promise.all([tls, tlsLocalhostOnly, scram, md5, plain].map((s) => s?.stop()));
    });

    describe('TLS', () => {
      const tcp = (server: TestServer, host: string, query: string) =>
        `postgres://postgres@${host}:${server.port}/postgres?${query}`;

      it('hands PostgreSQL its key as the server user, mode 0600, and serves TLS', async () => {
        const [row] = await tls.sql<{ ssl: string; key: string }>(
          `select current_setting('ssl') ssl, current_setting('ssl_key_file') key`,
        );
        assert.equal(row?.ssl, 'on');
        const [key, dataDir] = await Promise.all([stat(row?.key ?? ''), stat(tls.dataDir)]);
        assert.equal(key.mode & 0o777, 0o600);
        assert.equal(key.uid, dataDir.uid);
      });

      it('sslmode=require and the default (prefer) log in over TLS', async () => {
        const target = `postgres@127.0.0.1:${tls.port}/postgres`;
        assertConnected(await checkServer(tcp(tls, '127.0.0.1', 'sslmode=require'), env()), version, target);
        assertConnected(await checkServer(tls.url(), env()), version, target);
      });

      it('verify-full accepts the right CA, given as sslrootcert= or as PGSSLROOTCERT', async () => {
        assertConnected(
          await checkServer(tcp(tls, '127.0.0.1', `sslmode=verify-full&sslrootcert=${certs.caFile}`), env()),
          version,
        );
        // The certificate's DNS name, with SNI, and everything from the environment.
        assertConnected(
          await checkServer(undefined, {
            ...env(),
            PGHOST: 'localhost',
            PGPORT: String(tls.port),
            PGUSER: 'postgres',
            PGSSLMODE: 'verify-full',
            PGSSLROOTCERT: certs.caFile,
          }),
          version,
          `postgres@localhost:${tls.port}/postgres`,
        );
      });

      it('verify-full rejects a certificate from another CA', async () => {
        for (const r of [
          await checkServer(
            tcp(tls, '127.0.0.1', `sslmode=verify-full&sslrootcert=${certs.otherCaFile}`),
            env(),
          ),
          await checkServer(tcp(tls, '127.0.0.1', 'sslmode=verify-full'), {
            ...env(),
            PGSSLROOTCERT: certs.otherCaFile,
          }),
        ]) {
          assertCannotConnect(
            r,
            new RegExp(`TLS to 127\\.0\\.0\\.1:${tls.port} failed: `),
            /the root certificate \(sslrootcert \/ PGSSLROOTCERT\)/,
          );
        }
      });

      it('verify-full rejects a certificate issued for another host name', async () => {
        const ca = `sslrootcert=${certs.caFile}`;
        assertCannotConnect(
          await checkServer(tcp(tlsLocalhostOnly, '127.0.0.1', `sslmode=verify-full&${ca}`), env()),
          new RegExp(
            `TLS to 127\\.0\\.0\\.1:${tlsLocalhostOnly.port} failed: the server's certificate is not for host 127\\.0\\.0\\.1 \\(it names DNS:localhost\\)$`,
          ),
          /sslmode=verify-ca/,
        );
        // The same server and CA under the name the certificate does carry.
        assertConnected(
          await checkServer(tcp(tlsLocalhostOnly, 'localhost', `sslmode=verify-full&${ca}`), env()),
          version,
        );
      });

      it('verify-ca accepts the host-name mismatch but not another CA', async () => {
        assertConnected(
          await checkServer(
            tcp(tlsLocalhostOnly, '127.0.0.1', `sslmode=verify-ca&sslrootcert=${certs.caFile}`),
            env(),
          ),
          version,
        );
        assertCannotConnect(
          await checkServer(
            tcp(tlsLocalhostOnly, '127.0.0.1', `sslmode=verify-ca&sslrootcert=${certs.otherCaFile}`),
            env(),
          ),
          new RegExp(`TLS to 127\\.0\\.0\\.1:${tlsLocalhostOnly.port} failed: `),
          /root certificate/,
        );
      });

      it('a root certificate that cannot be read is a usage error (2)', async () => {
        const r = await checkServer(
          tcp(tls, '127.0.0.1', `sslmode=verify-full&sslrootcert=${join(scratch, 'missing.crt')}`),
          env(),
        );
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, /^pooltune: error: cannot read the root certificate .*missing\.crt/);
      });

      it('sslmode=disable against a hostssl-only server fails clearly', async () => {
        assertCannotConnect(
          await checkServer(tcp(tls, '127.0.0.1', 'sslmode=disable'), env()),
          /the server refused the login of "postgres" to "postgres": pg_hba\.conf rejects connection .*no encryption/,
          /use sslmode=require or stronger/,
        );
      });
    });

    describe('password authentication', () => {
      for (const [method, server, stored] of [
        ['SCRAM', () => scram, /^SCRAM-SHA-256\$/],
        ['md5', () => md5, /^md5[0-9a-f]{32}$/],
      ] as const) {
        it(`${method}: the right password logs in, a wrong one or none fails (3)`, async () => {
          const [role] = await server().sql<{ pw: string }>(
            "select rolpassword pw from pg_authid where rolname = 'app'",
          );
          assert.match(role?.pw ?? '', stored, `app's password is stored for ${method}`);
          assertConnected(await checkServer(server().url('app', 'postgres', PASSWORD), env()), version);
          assertCannotConnect(
            await checkServer(server().url('app', 'postgres', `${PASSWORD}-wrong`), env()),
            new RegExp(`password authentication failed for user "app" at 127\\.0\\.0\\.1:${server().port}`),
            /check the password in the URL, PGPASSWORD or the password file/,
          );
          assertCannotConnect(
            await checkServer(server().url('app'), env()),
            new RegExp(
              `the server at 127\\.0\\.0\\.1:${server().port} wants a password for user "app", but no password was given$`,
            ),
            /give the password in the URL .*PGPASSWORD.*password file/,
          );
        });
      }
    });

    describe('the password file', () => {
      const line = () => `127.0.0.1:${scram.port}:postgres:app:${PASSWORD}\n`;

      it('PGPASSFILE with mode 0600 is used', async () => {
        const file = join(scratch, `pgpass-0600-${version}`);
        await writeFile(file, line(), { mode: 0o600 });
        assertConnected(await checkServer(scram.url('app'), { ...env(), PGPASSFILE: file }), version);
      });

      it('PGPASSFILE with mode 0644 is ignored, as libpq ignores it, and the hint says why', async () => {
        const file = join(scratch, `pgpass-0644-${version}`);
        await writeFile(file, line());
        await chmod(file, 0o644);
        assertCannotConnect(
          await checkServer(scram.url('app'), { ...env(), PGPASSFILE: file }),
          /wants a password for user "app", but no password was given/,
          new RegExp(
            `password file ${file} was ignored because others may read it \\(mode 0644\\): chmod 600 it`,
          ),
        );
      });

      it('HOME/.pgpass is used when PGPASSFILE is unset', async () => {
        const ownHome = join(scratch, `home-pgpass-${version}`);
        await mkdir(ownHome);
        await writeFile(join(ownHome, '.pgpass'), line(), { mode: 0o600 });
        assertConnected(await checkServer(scram.url('app'), { HOME: ownHome }), version);
      });
    });

    describe('Unix socket and IPv6 loopback', () => {
      it('a socket folder as the host, in the URL or as PGHOST (sslmode does not apply there)', async () => {
        const target = `postgres@${plain.socketDir}:${plain.port}/postgres`;
        const viaUrl = await checkServer(
          `postgres:///postgres?host=${plain.socketDir}&port=${plain.port}&user=postgres`,
          env(),
        );
        assertConnected(viaUrl, version, target);
        // libpq never uses TLS on a socket, whatever sslmode says; neither does pooltune.
        const viaEnv = await checkServer(undefined, {
          ...env(),
          PGHOST: plain.socketDir,
          PGPORT: String(plain.port),
          PGUSER: 'postgres',
          PGSSLMODE: 'require',
        });
        assertConnected(viaEnv, version, target);
        const text = await runCli(['check-server', '--no-color', '--fail-on', 'never'], {
          env: { ...env(), PGHOST: plain.socketDir, PGPORT: String(plain.port), PGUSER: 'postgres' },
        });
        assert.equal(text.code, 0, text.stderr);
        assert.ok(text.stdout.includes(target), `the text report names ${target}`);
      });

      it('[::1]', async () => {
        const problem = await ipv6LoopbackProblem();
        assert.equal(
          problem,
          undefined,
          `the IPv6 loopback ::1 is not usable on this machine (${problem}); this test needs it`,
        );
        const [row] = await plain.sql<{ la: string }>(`select current_setting('listen_addresses') la`);
        assert.equal(row?.la, '127.0.0.1,::1');
        assertConnected(
          await checkServer(`postgres://postgres@[::1]:${plain.port}/postgres`, env()),
          version,
          `postgres@[::1]:${plain.port}/postgres`,
        );
      });
    });

    describe(`a password with URL-special characters (${SPECIAL})`, () => {
      const forms = [SPECIAL, encodeURIComponent(SPECIAL), 'p@ss:w', 'o%rd#1', 'p%40ss'];
      function assertNoPassword(r: CliResult, what: string): void {
        const output = r.stdout + r.stderr;
        for (const form of forms) assert.ok(!output.includes(form), `${what}: "${form}" printed`);
        // Messages are built without the password; the mask is only the last line of defence.
        assert.ok(!output.includes(MASK), `${what}: something tried to print the password`);
      }

      it('logs in, and no command prints the password, in any format, even with --verbose', async () => {
        const url = scram.url('special', 'postgres', SPECIAL);
        assert.ok(url.includes(encodeURIComponent(SPECIAL)), 'the URL holds the percent-encoded password');
        // What each text report shows only after a login: the target, or the server's own budget.
        const target = `special@127.0.0.1:${scram.port}/postgres`;
        const named = new RegExp(target.replaceAll('.', '\\.'));
        for (const [args, loggedIn] of [
          [['check-server', '--db', url], named],
          [['recommend', '--db', url, '-w', 'oltp'], /server max_connections\s+│ 100\s+│ server/],
          [['health', '--db', url, '--duration', '200ms'], named],
        ] as const) {
          for (const extra of [[], ['--verbose'], ['--format', 'json'], ['--format', 'json', '--verbose']]) {
            const what = [args[0], ...extra].join(' ');
            const r = await runCli([...args, ...extra, '--no-color', '--fail-on', 'never'], { env: env() });
            assert.equal(r.code, 0, `${what}: ${r.stderr}`);
            if (extra.includes('json'))
              assert.equal((JSON.parse(r.stdout) as { target: string }).target, target);
            else assert.match(r.stdout, loggedIn, what);
            if (extra.includes('--verbose'))
              assert.match(r.stderr, new RegExp(`connecting to ${named.source}`));
            assertNoPassword(r, what);
          }
        }
      });

      it('does not print it when the login fails', async () => {
        for (const [db, message] of [
          [scram.url('special', 'nope', SPECIAL), /database "nope" does not exist/],
          // A wrong password that starts with the right one.
          [
            scram.url('special', 'postgres', `${SPECIAL}x`),
            /password authentication failed for user "special"/,
          ],
        ] as const) {
          for (const extra of [[], ['--verbose'], ['--format', 'json', '--verbose']]) {
            const r = await runCli(['check-server', '--db', db, ...extra], { env: env() });
            assert.equal(r.code, 3, r.stderr);
            assert.match(r.stderr, message);
            assert.doesNotMatch(r.stderr, NO_STACK);
            assertNoPassword(r, `check-server ${extra.join(' ')}`);
          }
        }
      });
    });
  });
}
