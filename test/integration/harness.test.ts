import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PG_VERSIONS, startServer, type TestServer } from '../helpers/postgres.js';

for (const version of PG_VERSIONS) {
  describe(`test harness: PostgreSQL ${version}`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({
        version,
        settings: { max_connections: 25, superuser_reserved_connections: 2, work_mem: '8MB' },
      });
    });
    after(() => server?.stop());

    it('runs the requested major version with the requested settings, on loopback', async () => {
      const [row] = await server.sql<{ v: string; mc: string; sr: string; wm: string; la: string }>(
        `select current_setting('server_version_num') v, current_setting('max_connections') mc,
                current_setting('superuser_reserved_connections') sr, current_setting('work_mem') wm,
                current_setting('listen_addresses') la`,
      );
      assert.equal(Math.floor(Number(row?.v) / 10000), version);
      assert.deepEqual([row?.mc, row?.sr, row?.wm, row?.la], ['25', '2', '8MB', '127.0.0.1']);
    });
  });
}
