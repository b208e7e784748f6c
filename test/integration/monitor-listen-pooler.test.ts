/**
 * monitor --listen behind a real PgBouncer whose pool is full: the pooler's queue, its oldest wait and its
 * checkouts are served on /metrics for the target, as the pooler alert rules read them; and every series
 * any `pooltune alerts --source pooltune` rule reads is there.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { alertGroups, metricsOf } from '../../src/core/alerts/rules.js';
import { startFullPoolChain, type FullPoolChain } from '../helpers/full-pool.js';
import { startListening } from '../helpers/listen.js';
import type { TestPgBouncer } from '../helpers/pgbouncer.js';
import { pooltuneSessionsLeft, type TestServer } from '../helpers/postgres.js';
import { waitFor } from '../helpers/wait.js';

const valueIn = (text: string, series: string) =>
  Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);

describe('monitor --listen through a PgBouncer whose pool is full', () => {
  let server: TestServer;
  let bouncer: TestPgBouncer;
  let chain: FullPoolChain | undefined;
  before(async () => {
    // appdb's one server connection is held by the test; pooltune watches through its own entry.
    chain = await startFullPoolChain(15, { default_pool_size: 1 });
    ({ server, bouncer } = chain);
  });
  after(async () => {
    await chain?.stop();
  });

  it("serves the pooler's waiting clients, their oldest wait and its checkouts", async () => {
    const { child, output, metrics, killIfRunning } = await startListening([
      '--db',
      `app=${bouncer.url('postgres', 'postgres')}`,
    ]);
    try {
      let text = '';
      await waitFor(
        "the pooler's oldest wait over 0.2s",
        async () => {
          text = await metrics();
          return valueIn(text, 'pooltune_pooler_max_wait_seconds{target="app"}') > 0.2;
        },
        { unless: output },
      );
      assert.equal(valueIn(text, 'pooltune_pooler_clients_waiting{target="app"}'), 1, text);
      assert.ok(valueIn(text, 'pooltune_pooler_checkouts_total{target="app"}') >= 0, text);
      assert.ok(valueIn(text, 'pooltune_pooler_client_wait_seconds_total{target="app"}') >= 0, text);
      assert.equal(valueIn(text, 'pooltune_up{target="app"}'), 1);
      // Every series a `pooltune alerts --source pooltune` rule reads is served, labelled by target.
      const rules = alertGroups(['pooltune'], {
        idleInTransactionMs: 300_000,
        longQueryMs: 300_000,
        longTransactionMs: 300_000,
      }).groups.flatMap((g) => g.rules);
      const read = [...new Set(rules.flatMap(metricsOf))];
      assert.ok(read.length >= 10, read.join(', '));
      for (const series of read)
        assert.match(text, new RegExp(`^${series}\\{(?:[a-z]+="[^"]*",)*target="app"`, 'm'), series);

      child.kill('SIGTERM');
      const r = await output;
      assert.equal(r.code, 0, r.stderr);
      assert.equal(await pooltuneSessionsLeft(server), 0);
    } finally {
      killIfRunning();
    }
  });
});
