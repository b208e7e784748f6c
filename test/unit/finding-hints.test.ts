import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { FINDING_HINTS, hintsFor, withHints } from '../../src/core/finding-hints.js';
import { FINDING_IDS, type FindingId } from '../../src/core/finding-ids.js';
import { CAUSES, HINT_IDS, HINTS, type HintId } from '../../src/core/hints.js';
import { REPO_ROOT } from '../helpers/paths.js';

const hintsOf = (id: FindingId): readonly HintId[] => FINDING_HINTS[id].hints;

describe('the finding → hint table', () => {
  it('has a row for every catalogued finding, and nothing else', () => {
    assert.deepEqual(Object.keys(FINDING_HINTS).sort(), [...FINDING_IDS].sort());
  });

  it('gives every finding only hints that address its cause', () => {
    const wrong = FINDING_IDS.flatMap((id) =>
      hintsOf(id)
        .filter((hint) => !(HINTS[hint].addresses as readonly string[]).includes(FINDING_HINTS[id].cause))
        .map((hint) => `${id} (${FINDING_HINTS[id].cause}) → ${hint} (${HINTS[hint].addresses.join(', ')})`),
    );
    assert.deepEqual(wrong, []);
  });

  it('names each hint once per finding, and a cause no hint treats only with no hints', () => {
    for (const id of FINDING_IDS) {
      const hints = hintsOf(id);
      assert.equal(new Set(hints).size, hints.length, id);
      if (FINDING_HINTS[id].cause === 'none') assert.deepEqual(hints, [], id);
    }
  });

  it('uses every hint, and every hint treats a real cause', () => {
    const used = new Set(FINDING_IDS.flatMap(hintsOf));
    for (const hint of HINT_IDS) {
      assert.ok(used.has(hint), `${hint} is attached to no finding`);
      assert.ok(HINTS[hint].addresses.length > 0, hint);
      for (const cause of HINTS[hint].addresses) {
        assert.ok(CAUSES.includes(cause), `${hint}: ${cause}`);
        assert.notEqual(cause, 'none', hint);
      }
    }
  });

  it('gives the finding families the issue names advice of their own', () => {
    // Churn wants connections kept, never replaced sooner: no advice to shorten max_lifetime.
    assert.deepEqual(hintsOf('connection-churn'), ['reuse-connections', 'pgbouncer']);
    for (const hint of hintsOf('connection-churn')) {
      assert.doesNotMatch(HINTS[hint].steps.join(' '), /(shorten|reduce|lower)[^.]*max_lifetime/i, hint);
    }
    const sessionFindings: FindingId[] = [
      'lock-waits',
      'idle-in-transaction',
      'idle-in-transaction-sessions',
      'idle-in-transaction-timeout-disabled',
      'long-running-queries',
      'long-transactions',
      'statement-timeout-disabled',
      'statement-timeout-long',
      'statement-timeout-batch',
      'query-latency',
    ];
    for (const id of sessionFindings) {
      assert.ok(!hintsOf(id).includes('slow-acquisition'), `${id} gets slow-acquisition`);
      assert.ok(hintsOf(id).length > 0, `${id} has no hint`);
    }
    assert.deepEqual(hintsOf('lock-waits'), ['lock-waits']);
    assert.deepEqual(hintsOf('idle-in-transaction'), ['idle-in-transaction']);
    assert.deepEqual(hintsOf('idle-in-transaction-sessions'), ['idle-in-transaction']);
    assert.deepEqual(hintsOf('statement-timeout-disabled'), ['statement-timeout-scope']);
    assert.deepEqual(hintsOf('long-running-queries'), ['long-queries']);
    assert.deepEqual(hintsOf('long-transactions'), ['long-transactions']);
  });

  it('says what each session hint is about in words a reader can act on', () => {
    assert.match(HINTS['lock-waits'].steps.join(' '), /pg_blocking_pids.*lock_timeout/s);
    assert.match(HINTS['idle-in-transaction'].steps.join(' '), /idle_in_transaction_session_timeout/);
    assert.match(HINTS['long-queries'].steps.join(' '), /EXPLAIN.*statement_timeout.*replica/s);
    assert.match(HINTS['long-transactions'].steps.join(' '), /VACUUM.*[Ss]plit/s);
    assert.match(HINTS['statement-timeout-scope'].steps.join(' '), /ALTER ROLE.*ALTER DATABASE/s);
    assert.match(HINTS['reuse-connections'].steps.join(' '), /one pool per process.*min_connections/s);
  });
});

describe('attaching hints to a finding', () => {
  it('takes them from the table for a finding that is not ok, and drops any a check set itself', () => {
    const churn = withHints({
      id: 'connection-churn',
      severity: 'warning',
      title: 'churn',
      hints: ['intermittent-failures'],
    });
    assert.deepEqual(churn.hints, ['reuse-connections', 'pgbouncer']);
  });

  it('leaves a finding that is ok, or one whose row is empty, without a hints field', () => {
    assert.ok(!('hints' in withHints({ id: 'connection-churn', severity: 'ok', title: 'calm' })));
    assert.ok(!('hints' in withHints({ id: 'pending-restart', severity: 'info', title: 'restart' })));
    assert.deepEqual(hintsFor({ id: 'slot-usage', severity: 'ok' }), []);
  });
});

describe('where hints come from', () => {
  const sources = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? sources(join(dir, entry.name))
        : entry.name.endsWith('.ts')
          ? [join(dir, entry.name)]
          : [],
    );

  it('no check or other finding source sets hints of its own: the table is the only source', () => {
    const own = sources(join(REPO_ROOT, 'src'))
      .filter((file) => !file.endsWith('finding-hints.ts'))
      .filter((file) => /\bhints: \[/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(REPO_ROOT, file));
    assert.deepEqual(own, []);
  });
});
