/**
 * pooltune never writes: every command runs against a server that logs every statement, and the log
 * shows that pooltune's sessions sent nothing but reads and their own session settings.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { PG_VERSIONS, startServer, type TestServer } from '../helpers/postgres.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { loggedStatements, logLength, onlyReadsAndBounds } from '../helpers/statements.js';

for (const version of PG_VERSIONS) {
  describe(`pooltune never writes (PostgreSQL ${version}, log_statement = all)`, () => {
    let server: TestServer;
    let dir: string;
    before(async () => {
      server = await startServer({
        version,
        settings: {
          log_statement: 'all',
          log_line_prefix: '%a|',
          log_min_messages: 'warning',
          log_min_error_statement: 'panic',
        },
      });
      await server.sql('CREATE DATABASE eventstore');
      const migrations = await readFile(`${REPO_ROOT}test/fixtures/eventcore-2.0-migrations.sql`, 'utf8');
      await server.runScript('eventstore', migrations);
      dir = await mkdtemp(join(tmpdir(), 'pooltune-writes-'));
      await writeFile(
        join(dir, 'pooltune.config.json'),
        JSON.stringify({ services: [{ name: 'api', instances: 2, pool: { maxConnections: 5 } }] }),
      );
    });
    after(async () => {
      await server?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    it('every command sends only reads and its own session settings', async () => {
      const url = server.url();
      // Everything logged from here on is pooltune's: its first statements come before it names itself.
      const setupEnd = await logLength(server.logFile);
      const runs = [
        ['recommend', '--db', url, '-w', 'oltp', '-c', '10', '--account-for-others'],
        ['check-server', '--db', url, '--pool-max', '10', '--instances', '3'],
        [
          'health',
          '--db',
          server.url('postgres', 'eventstore'),
          '--duration',
          '300ms',
          '--schema',
          'eventcore',
        ],
        ['health', '--db', url, '--duration', '300ms', '--query', 'select count(*) from pg_class'],
        ['preflight', '--db', url, '--duration', '300ms'],
      ];
      for (const args of runs) {
        const r = await runCli(args, { cwd: dir });
        assert.ok(r.code === 0 || r.code === 1, `${args[0]} ran: ${r.stderr}`);
      }
      // The refused write attempt must show up as refused, not as a write that happened.
      const refused = await runCli([
        'health',
        '--db',
        url,
        '--duration',
        '200ms',
        '--query',
        'create table sneaky (x int)',
      ]);
      assert.equal(refused.code, 2);

      const statements = await loggedStatements(server.logFile, setupEnd);
      assert.ok(statements.length > 50, `the log has pooltune's statements (${statements.length})`);
      const writes = statements.filter(
        (text) => !onlyReadsAndBounds(text, 'direct') && !/^create table sneaky/i.test(text),
      );
      assert.deepEqual(writes, [], 'only reads and session settings');
      const [row] = await server.sql<{ n: number }>(
        "select count(*)::int n from pg_class where relname = 'sneaky'",
      );
      assert.equal(row?.n, 0, 'the refused write left nothing');
      const [left] = await server.sql<{ n: number }>(
        "select count(*)::int n from pg_stat_activity where application_name = 'pooltune'",
      );
      assert.equal(left?.n, 0);
    });
  });
}
