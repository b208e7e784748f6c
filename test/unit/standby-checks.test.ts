import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  runChecks,
  standbyChecks,
  standbyObservation,
  type ReplayLagThresholds,
} from '../../src/core/checks/index.js';
import type { Finding } from '../../src/core/findings.js';
import type { ActivityFacts, ServerFacts, Setting } from '../../src/core/server-facts.js';
import {
  PRIMARY_ALONE,
  describeRole,
  type AttachedStandby,
  type ReplayFacts,
  type TopologyFacts,
} from '../../src/core/topology/facts.js';
import { compareStandbyToPrimary } from '../../src/core/topology/compare.js';
import { applyOrderNote, mustMatchChanges, withApplyOrder } from '../../src/core/topology/order.js';
import { verdict } from '../../src/pipeline/finish.js';
import { replayFacts, serverFacts } from '../helpers/facts.js';

const standbyTopology = (r: Partial<ReplayFacts> = {}): TopologyFacts => ({
  role: 'standby',
  systemIdentifier: '42',
  replay: replayFacts(r),
  standbys: [],
  canReadReplication: true,
});

const attached = (overrides: Partial<AttachedStandby> = {}): AttachedStandby => ({
  applicationName: 'replica1',
  clientAddr: '10.0.0.2',
  state: 'streaming',
  syncState: 'async',
  replayLagSeconds: 0.2,
  lagBytes: 0,
  ...overrides,
});

const primaryWith = (...standbys: AttachedStandby[]): TopologyFacts => ({
  ...PRIMARY_ALONE,
  systemIdentifier: '42',
  standbys,
});

/** Facts with extra string settings (hot_standby_feedback) beside the numeric ones serverFacts takes. */
function factsWith(
  topology: TopologyFacts,
  settings: Record<string, number> = {},
  text: Record<string, string> = {},
  more: { activity?: Partial<ActivityFacts> } = {},
): ServerFacts {
  const facts = serverFacts({ settings, topology, ...more });
  const all = new Map(facts.settings);
  for (const [name, setting] of Object.entries(text))
    all.set(name, { name, setting, unit: null, source: 'default', context: 'sighup', pendingRestart: false });
  for (const name of ['max_standby_streaming_delay', 'max_standby_archive_delay'])
    if (all.has(name)) all.set(name, { ...(all.get(name) as Setting), unit: 'ms', context: 'sighup' });
  return { ...facts, settings: all };
}

function run(facts: ServerFacts, queryTimeoutMs: number | null = null, lag?: ReplayLagThresholds): Finding[] {
  return runChecks([standbyChecks], { standby: standbyObservation(facts, queryTimeoutMs, lag) }).findings;
}

const byId = (findings: readonly Finding[], id: string) => findings.find((f) => f.id === id);

describe('the standby family on a standby', () => {
  it('fails on paused replay, and on a requested pause, with the resume and its caveat', () => {
    for (const pauseState of ['paused', 'pause requested'] as const) {
      const paused = byId(run(factsWith(standbyTopology({ pauseState }))), 'standby-replay-paused');
      assert.equal(paused?.severity, 'critical', pauseState);
      assert.match(
        paused?.fix?.sql?.join('\n') ?? '',
        /insufficient parameter settings[^\n]*\nSELECT pg_wal_replay_resume\(\);/,
      );
    }
    assert.equal(byId(run(factsWith(standbyTopology())), 'standby-replay-paused')?.severity, 'ok');
  });

  it('judges replay lag against the thresholds given, and calls caught up no lag', () => {
    const lag = (lagSeconds: number | null) =>
      byId(
        run(factsWith(standbyTopology({ lagSeconds, lagBytes: 100 })), null, {
          warningMs: 10_000,
          criticalMs: 60_000,
        }),
        'standby-replay-lag',
      );
    assert.equal(lag(0)?.severity, 'ok');
    assert.equal(lag(9)?.severity, 'ok');
    assert.equal(lag(10)?.severity, 'warning');
    assert.equal(lag(61)?.severity, 'critical');
    assert.match(lag(61)?.title ?? '', /1min 1s behind/);
    // A fresh standby has replayed no commit: the lag is unknown, not zero.
    assert.equal(lag(null)?.severity, 'info');
    assert.match(lag(null)?.title ?? '', /unknown/);
  });

  it('says no privilege when the WAL receiver is hidden, and not streaming when there is none', () => {
    const hidden = byId(
      run(factsWith(standbyTopology({ walReceiver: { status: null, sender: null } }))),
      'standby-wal-receiver',
    );
    assert.equal(hidden?.severity, 'info');
    assert.match(hidden?.title ?? '', /No privilege/);
    assert.match(hidden?.expected ?? '', /pg_monitor/);
    const none = byId(run(factsWith(standbyTopology({ walReceiver: null }))), 'standby-wal-receiver');
    assert.equal(none?.severity, 'warning');
    assert.match(none?.title ?? '', /not streaming/);
  });

  it('warns when replay cancels queries the workload or statement_timeout let run longer', () => {
    const delay = (streaming: number, statement: number, query: number | null) =>
      byId(
        run(
          factsWith(standbyTopology(), {
            max_standby_streaming_delay: streaming,
            max_standby_archive_delay: 30_000,
            statement_timeout: statement,
          }),
          query,
        ),
        'standby-streaming-delay',
      );
    assert.equal(delay(30_000, 30_000, null)?.severity, 'ok');
    const longer = delay(30_000, 120_000, null);
    assert.equal(longer?.severity, 'warning');
    assert.match(longer?.title ?? '', /40001/);
    assert.deepEqual(longer?.fix?.sql, [
      "ALTER SYSTEM SET max_standby_streaming_delay = '2min';",
      'SELECT pg_reload_conf();',
    ]);
    // The workload's own timeout is shorter than statement_timeout: it is the bound.
    assert.equal(delay(30_000, 120_000, 20_000)?.severity, 'ok');
    // Nothing bounds queries: no value to propose, only the advice.
    const unbounded = delay(30_000, 0, null);
    assert.equal(unbounded?.severity, 'warning');
    assert.equal(unbounded?.fix, undefined);
    assert.equal(delay(-1, 0, null)?.severity, 'info');
  });

  it('states the hot_standby_feedback trade-off, and warns when a running query outlasts the delay', () => {
    const feedback = (setting: string, longestActiveSeconds: number | null) =>
      byId(
        run(
          factsWith(
            standbyTopology(),
            { max_standby_streaming_delay: 30_000 },
            { hot_standby_feedback: setting },
            { activity: { longestActiveSeconds } },
          ),
        ),
        'standby-feedback',
      );
    assert.equal(feedback('on', 100)?.severity, 'ok');
    const off = feedback('off', 5);
    assert.equal(off?.severity, 'info');
    assert.match(off?.expected ?? '', /bloat on the primary/);
    // Queries already cancelled by snapshot conflicts: the workload meets what feedback prevents.
    const cancelled = byId(
      run(
        factsWith(
          standbyTopology({ conflicts: { snapshot: 3, lock: 1, bufferpin: 0, deadlock: 0, tablespace: 0 } }),
          { max_standby_streaming_delay: 30_000 },
          { hot_standby_feedback: 'off' },
        ),
      ),
      'standby-feedback',
    );
    assert.equal(cancelled?.severity, 'warning');
    assert.match(cancelled?.title ?? '', /3 queries were cancelled with 40001/);
    assert.match(
      cancelled?.observed ?? '',
      /4 queries cancelled in this database by recovery conflicts .*\(snapshot 3, lock 1\)/,
    );
    const outlasting = feedback('off', 45);
    assert.equal(outlasting?.severity, 'warning');
    assert.deepEqual(outlasting?.fix?.sql?.[0], "ALTER SYSTEM SET hot_standby_feedback = 'on';");
  });
});

describe('the standby family on a primary', () => {
  it('says nothing of replay, and nothing at all without standbys (the header says primary)', () => {
    assert.deepEqual(
      run(factsWith(PRIMARY_ALONE, { max_standby_streaming_delay: 1000 }, { hot_standby_feedback: 'off' })),
      [],
    );
    assert.equal(describeRole(PRIMARY_ALONE), 'primary');
  });

  it('lists the standbys streaming from it, and flags one that lags', () => {
    const findings = run(
      factsWith(
        primaryWith(
          attached(),
          attached({ applicationName: 'replica2', clientAddr: '10.0.0.3', replayLagSeconds: 40 }),
        ),
      ),
    );
    const listed = byId(findings, 'standbys-attached');
    assert.equal(listed?.severity, 'warning');
    assert.match(
      listed?.title ?? '',
      /2 standbys stream from this server: replica1 from 10\.0\.0\.2, replica2 from 10\.0\.0\.3/,
    );
    assert.match(
      listed?.observed ?? '',
      /replica2 from 10\.0\.0\.3 \(streaming, async, replay lag 40s, 0 B behind\)/,
    );
    assert.equal(describeRole(primaryWith(attached())), 'primary with 1 standby');
  });

  it('says "no privilege" for the hidden columns of a role without pg_monitor', () => {
    const hidden = attached({
      clientAddr: null,
      state: null,
      syncState: null,
      replayLagSeconds: null,
      lagBytes: null,
    });
    const findings = run(factsWith({ ...primaryWith(hidden), canReadReplication: false }));
    const listed = byId(findings, 'standbys-attached');
    assert.equal(listed?.severity, 'info');
    assert.match(
      listed?.title ?? '',
      /1 standby streams from this server: replica1; their state and lag: no privilege \(role app needs pg_monitor/,
    );
  });
});

describe('the order to change max_connections and its kin', () => {
  it('reads the settings a fix changes, in SQL or in a provider command, not in comments', () => {
    assert.deepEqual(mustMatchChanges({ sql: ['ALTER SYSTEM SET max_connections = 153;'] }), [
      { name: 'max_connections', value: 153 },
    ]);
    assert.deepEqual(
      mustMatchChanges({
        sql: [
          'aws rds modify-db-parameter-group --parameters "ParameterName=max_connections,ParameterValue=400,ApplyMethod=pending-reboot"',
        ],
      }),
      [{ name: 'max_connections', value: 400 }],
    );
    assert.deepEqual(
      mustMatchChanges({ sql: ['-- or max_connections = 5', "ALTER SYSTEM SET work_mem = '4MB';"] }),
      [],
    );
  });

  it('raises standbys first and lowers the primary first, naming the standbys', () => {
    const primary = primaryWith(attached());
    assert.match(
      applyOrderNote(primary, 'max_connections', 100, 150) ?? '',
      /raise it first on the standbys streaming from this primary \(replica1 from 10\.0\.0\.2\) and restart each, then here/,
    );
    assert.match(
      applyOrderNote(primary, 'max_connections', 100, 50) ?? '',
      /do it here first, then on the standbys streaming from this primary \(replica1 from 10\.0\.0\.2\)/,
    );
    const standby = standbyTopology();
    assert.match(
      applyOrderNote(standby, 'max_connections', 100, 150) ?? '',
      /standby: when raising max_connections from 100 to 150, do it here \(and on every other standby\) and restart, before the primary/,
    );
    assert.match(
      applyOrderNote(standby, 'max_connections', 100, 50) ?? '',
      /lower it on the primary first, then here/,
    );
    assert.equal(applyOrderNote(PRIMARY_ALONE, 'max_connections', 100, 150), undefined);
    assert.equal(applyOrderNote(primary, 'max_connections', 100, 100), undefined);
  });

  it('decorates only the fixes that change such a setting', () => {
    const facts = factsWith(primaryWith(attached()));
    const findings: Finding[] = [
      {
        id: 'fleet-plan',
        severity: 'critical',
        title: 't',
        fix: { sql: ['ALTER SYSTEM SET max_connections = 200;'], restart: true },
      },
      {
        id: 'work-mem',
        severity: 'warning',
        title: 't',
        fix: { sql: ["ALTER SYSTEM SET work_mem = '4MB';"] },
      },
      { id: 'slot-usage', severity: 'ok', title: 't' },
    ];
    const [fleet, work, slots] = withApplyOrder(findings, facts);
    assert.match(fleet?.fix?.order ?? '', /raising max_connections from 100 to 200/);
    assert.equal(fleet?.fix?.restart, true);
    assert.equal(work?.fix?.order, undefined);
    assert.equal(slots, findings[2]);
  });

  it('sends ALTER ROLE and ALTER DATABASE fixes on a standby to its primary', () => {
    const facts = factsWith(standbyTopology());
    const [scoped] = withApplyOrder(
      [
        {
          id: 'statement-timeout-disabled',
          severity: 'warning',
          title: 't',
          fix: { sql: ['ALTER DATABASE "orders" SET statement_timeout = \'30s\';'] },
        },
      ],
      facts,
    );
    assert.match(scoped?.fix?.order ?? '', /run them on the primary/);
    const [onPrimary] = withApplyOrder(
      [
        {
          id: 'statement-timeout-disabled',
          severity: 'warning',
          title: 't',
          fix: { sql: ['ALTER ROLE "app" SET statement_timeout = \'30s\';'] },
        },
      ],
      factsWith(primaryWith(attached())),
    );
    assert.equal(onPrimary?.fix?.order, undefined);
  });

  it("orders a managed provider's command as its SQL, and sends a GRANT on a standby to the primary", () => {
    const [provider, grant] = withApplyOrder(
      [
        {
          id: 'connection-tier',
          severity: 'warning',
          title: 't',
          fix: {
            commands: [
              'aws rds modify-db-parameter-group --parameters "ParameterName=max_connections,ParameterValue=200,ApplyMethod=pending-reboot"',
            ],
          },
        },
        {
          id: 'session-states',
          severity: 'warning',
          title: 't',
          fix: { sql: ['GRANT pg_monitor TO "app";'] },
        },
      ],
      factsWith(primaryWith(attached()), { max_connections: 100 }),
    );
    assert.match(
      provider?.fix?.order ?? '',
      /raising max_connections from 100 to 200, raise it first on the standbys/,
    );
    assert.equal(grant?.fix?.order, undefined, 'a primary takes a GRANT itself');
    const [onStandby] = withApplyOrder(
      [
        {
          id: 'session-states',
          severity: 'warning',
          title: 't',
          fix: { sql: ['GRANT pg_monitor TO "app";'] },
        },
      ],
      factsWith(standbyTopology()),
    );
    assert.match(onStandby?.fix?.order ?? '', /refuses ALTER ROLE, ALTER DATABASE and GRANT/);
  });

  it("is applied by every command's verdict given the server, monitor's and bench's too", () => {
    const fix = { sql: ['ALTER ROLE "app" SET statement_timeout = \'30s\';'] };
    const { findings } = verdict(
      { findings: [{ id: 'statement-timeout-disabled', severity: 'warning', title: 't', fix }] },
      { failOn: 'critical', server: factsWith(standbyTopology()) },
    );
    assert.match(findings[0]?.fix?.order ?? '', /run them on the primary/);
    const plain = verdict(
      { findings: [{ id: 'statement-timeout-disabled', severity: 'warning', title: 't', fix }] },
      { failOn: 'critical' },
    );
    assert.equal(plain.findings[0]?.fix?.order, undefined);
  });
});

describe('compareStandbyToPrimary', () => {
  const primary = factsWith(primaryWith(attached()), { max_connections: 200, max_worker_processes: 8 });

  it('is critical for each must-match setting the standby has below its primary, with the order', () => {
    const standby = factsWith(standbyTopology(), { max_connections: 100, max_worker_processes: 8 });
    const findings = compareStandbyToPrimary(primary, standby);
    assert.equal(findings.length, 1);
    const [below] = findings;
    assert.equal(below?.id, 'standby-below-primary');
    assert.equal(below?.severity, 'critical');
    assert.equal(below?.subject, 'max_connections');
    assert.deepEqual(below?.fix?.sql, ['ALTER SYSTEM SET max_connections = 200;']);
    assert.equal(below?.fix?.restart, true);
    assert.match(below?.fix?.order ?? '', /Raise max_connections on the standby first and restart it/);
  });

  it('is one ok finding when the standby is at least its primary', () => {
    const standby = factsWith(standbyTopology(), { max_connections: 200, max_worker_processes: 16 });
    const findings = compareStandbyToPrimary(primary, standby);
    assert.deepEqual(
      findings.map((f) => f.severity),
      ['ok'],
    );
  });

  it('compares nothing across clusters, or when the roles are not a primary and a standby', () => {
    const other = factsWith({ ...standbyTopology(), systemIdentifier: '43' }, { max_connections: 10 });
    assert.deepEqual(compareStandbyToPrimary(primary, other), []);
    assert.deepEqual(compareStandbyToPrimary(primary, primary), []);
  });
});
