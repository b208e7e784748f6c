import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { exitCodeFor } from '../../src/core/exit-codes.js';
import type { FailOn, Finding, IgnoredFinding, Skipped } from '../../src/core/findings.js';
import type { ReportEnvelope } from '../../src/report/document.js';
import { renderGithubAnnotations } from '../../src/report/formats/github.js';
import { renderJunit } from '../../src/report/formats/junit.js';

const critical: Finding = {
  id: 'slot-usage',
  severity: 'critical',
  title: 'Client connections fill 92% of the usable slots',
  observed: '92 of 100 usable slots in use',
  expected: 'under 70%',
  fix: { sql: ['ALTER SYSTEM SET max_connections = 200;'], restart: true },
  hints: ['too-many-connections', 'pgbouncer'],
};
const warning: Finding = {
  id: 'statement-timeout-disabled',
  severity: 'warning',
  title: 'No statement timeout',
  observed: 'statement_timeout = 0',
  expected: '30s',
  fix: { sql: ["ALTER SYSTEM SET statement_timeout = '30s';"], reload: true },
};
const info: Finding = { id: 'connection-tier', severity: 'info', title: 'A small server: 100 slots' };
const ok: Finding = { id: 'work-mem', severity: 'ok', title: 'work_mem is 4MB, as advised' };
const skipped: Skipped = {
  id: 'session-states',
  reason: 'role "app" cannot see other sessions',
  enableWith: 'GRANT pg_monitor TO "app";',
};
const ignored: IgnoredFinding = {
  finding: { id: 'fleet-plan', severity: 'critical', title: 'The fleet does not fit', subject: 'checkout' },
  reason: 'the fleet is being shrunk this week',
};

function envelope(overrides: Partial<ReportEnvelope> = {}): ReportEnvelope {
  const findings = overrides.findings ?? [ok, warning, critical, info];
  const failOn = overrides.failOn ?? 'critical';
  return {
    command: 'check-server',
    target: 'admin@db:5432/postgres',
    serverVersion: '18.1',
    findings,
    skipped: [skipped],
    ignored: [ignored],
    failOn,
    exitCode: exitCodeFor(findings, failOn),
    ...overrides,
  };
}

/** Reverses GitHub's escaping the way the runner does, to compare against what went in. */
function unescapeData(text: string): string {
  return text.replaceAll('%0D', '\r').replaceAll('%0A', '\n').replaceAll('%25', '%');
}
function unescapeProperty(text: string): string {
  return unescapeData(text.replaceAll('%3A', ':').replaceAll('%2C', ','));
}

interface Annotation {
  level: string;
  properties: Record<string, string>;
  message: string;
}

// The runner's reading of a line: `::level k=v,k=v::message`, properties ending at the first `::`.
function parseAnnotation(line: string): Annotation {
  const match = /^::(\w+)(?: ([^:]*))?::(.*)$/.exec(line);
  assert.ok(match, `a workflow command: ${line}`);
  const properties: Record<string, string> = {};
  for (const pair of (match[2] ?? '').split(',').filter(Boolean)) {
    const eq = pair.indexOf('=');
    properties[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1));
  }
  return { level: match[1] ?? '', properties, message: unescapeData(match[3] ?? '') };
}

function annotations(report: ReportEnvelope): Annotation[] {
  const out = renderGithubAnnotations(report);
  assert.ok(out.endsWith('\n'));
  return out.slice(0, -1).split('\n').map(parseAnnotation);
}

describe('GitHub annotations', () => {
  it('one line per finding that needs attention, most severe first, mapped to error/warning/notice', () => {
    const lines = annotations(envelope({ ignored: [] }));
    const forFindings = lines.filter((a) => !a.properties.title?.endsWith(' skipped'));
    assert.deepEqual(
      forFindings.map((a) => [a.level, a.properties.title]),
      [
        ['error', 'pooltune check-server: slot-usage'],
        ['warning', 'pooltune check-server: statement-timeout-disabled'],
        ['notice', 'pooltune check-server: connection-tier'],
      ],
    );
    assert.ok(!lines.some((a) => a.message.includes(ok.title)), 'passing checks are not annotated');
  });

  it('the message is the title, then observed, expected and the fix, joined with "; "', () => {
    const [first] = annotations(envelope());
    assert.equal(
      first?.message,
      'Client connections fill 92% of the usable slots; observed: 92 of 100 usable slots in use; expected: under 70%; ' +
        'fix: ALTER SYSTEM SET max_connections = 200; (needs a restart); ' +
        'try: The server refuses connections ("too many connections"); Put a pooler such as PgBouncer in front of the server',
    );
  });

  it('escapes %, CR and LF in the message, and also : and , in the title', () => {
    const hostile: Finding = {
      id: 'fleet-plan',
      severity: 'warning',
      title: '100% used\r\n::error::injected',
      subject: 'api: eu, us',
    };
    const out = renderGithubAnnotations(envelope({ findings: [hostile], skipped: [], ignored: [] }));
    assert.equal(
      out,
      '::warning title=pooltune check-server%3A fleet-plan (api%3A eu%2C us)::100%25 used%0D%0A::error::injected\n',
    );
    assert.equal(out.split('\n').length, 2, 'one line: the injected command stays inside the message');
    const [parsed] = annotations(envelope({ findings: [hostile], skipped: [], ignored: [] }));
    assert.equal(parsed?.properties.title, 'pooltune check-server: fleet-plan (api: eu, us)');
    assert.equal(parsed?.message, hostile.title);
  });

  it('a skipped check is a notice with the reason and what would enable it', () => {
    const notes = annotations(envelope({ findings: [], ignored: [] }));
    assert.deepEqual(notes, [
      {
        level: 'notice',
        properties: { title: 'pooltune check-server: session-states skipped' },
        message: 'not checked: role "app" cannot see other sessions (to enable: GRANT pg_monitor TO "app";)',
      },
    ]);
  });

  it('ignored findings are not annotated, only counted in one notice', () => {
    const notes = annotations(envelope({ findings: [], skipped: [] }));
    assert.equal(notes.length, 1);
    assert.equal(notes[0]?.level, 'notice');
    assert.match(notes[0]?.message ?? '', /^1 finding ignored .*: fleet-plan \(checkout\)$/);
  });

  it('nothing to say prints nothing', () => {
    assert.equal(renderGithubAnnotations(envelope({ findings: [ok], skipped: [], ignored: [] })), '');
  });
});

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // Decodes character references (&#10;), as any conforming XML parser does.
  htmlEntities: true,
  isArray: (name) => ['testcase', 'property'].includes(name),
});

interface TestCase {
  classname: string;
  name: string;
  failure?: { message: string; type: string; '#text'?: string };
  skipped?: string | { message: string; '#text'?: string };
  'system-out'?: string;
}
interface Suite {
  name: string;
  tests: string;
  failures: string;
  errors: string;
  skipped: string;
  properties: { property: { name: string; value: string }[] };
  testcase: TestCase[];
}

function junit(report: ReportEnvelope): { xml: string; suite: Suite } {
  const xml = renderJunit(report);
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n'));
  assert.equal(XMLValidator.validate(xml), true);
  const doc = parser.parse(xml) as { testsuites: { testsuite: Suite } };
  return { xml, suite: doc.testsuites.testsuite };
}

const failed = (suite: Suite) => suite.testcase.filter((c) => c.failure).map((c) => c.name);

describe('JUnit XML', () => {
  it('counts match the test cases: every finding, skipped check and ignored finding is one', () => {
    const { suite } = junit(envelope());
    assert.equal(suite.name, 'pooltune check-server');
    assert.equal(suite.testcase.length, 6);
    assert.equal(Number(suite.tests), 6);
    assert.equal(Number(suite.failures), failed(suite).length);
    assert.equal(Number(suite.skipped), suite.testcase.filter((c) => c.skipped !== undefined).length);
    assert.equal(Number(suite.skipped), 2);
    assert.equal(suite.errors, '0');
    assert.ok(suite.testcase.every((c) => c.classname === 'pooltune.check-server'));
  });

  it('--fail-on decides which findings fail: never none, info everything but ok', () => {
    const cases: [FailOn, string[]][] = [
      ['never', []],
      ['critical', ['slot-usage']],
      ['warning', ['statement-timeout-disabled', 'slot-usage']],
      ['info', ['statement-timeout-disabled', 'slot-usage', 'connection-tier']],
    ];
    for (const [failOn, expected] of cases) {
      const { suite } = junit(envelope({ failOn }));
      assert.deepEqual(failed(suite), expected, `--fail-on ${failOn}`);
      assert.equal(Number(suite.failures), expected.length);
      assert.equal(expected.length > 0, exitCodeFor(envelope({ failOn }).findings, failOn) === 1);
    }
  });

  it('a failure carries the title, severity, and observed/expected/fix/hints in its body', () => {
    const { suite } = junit(envelope());
    const failure = suite.testcase.find((c) => c.name === 'slot-usage')?.failure;
    assert.equal(failure?.message, critical.title);
    assert.equal(failure?.type, 'critical');
    assert.equal(
      failure?.['#text'],
      [
        critical.title,
        'observed: 92 of 100 usable slots in use',
        'expected: under 70%',
        'fix: ALTER SYSTEM SET max_connections = 200;',
        'the fix needs a server restart',
        'try: The server refuses connections ("too many connections")',
        'try: Put a pooler such as PgBouncer in front of the server',
      ].join('\n'),
    );
  });

  it('passing findings carry their title in system-out; skipped and ignored say why', () => {
    const { suite } = junit(envelope());
    const byName = new Map(suite.testcase.map((c) => [c.name, c]));
    assert.equal(byName.get('work-mem')?.['system-out'], 'ok: work_mem is 4MB, as advised');
    assert.equal(byName.get('connection-tier')?.['system-out'], 'info: A small server: 100 slots');
    assert.deepEqual(byName.get('session-states')?.skipped, {
      message: skipped.reason,
      '#text': 'to enable: GRANT pg_monitor TO "app";',
    });
    const ignoredCase = byName.get('fleet-plan (checkout)');
    assert.deepEqual(ignoredCase?.skipped, {
      message: 'ignored: the fleet is being shrunk this week',
      '#text': 'critical: The fleet does not fit',
    });
    assert.equal(ignoredCase?.failure, undefined, 'an ignored critical never fails');
  });

  it('target, server version and the threshold are suite properties; absent ones are left out', () => {
    const props = (r: ReportEnvelope) =>
      Object.fromEntries(junit(r).suite.properties.property.map((p) => [p.name, p.value]));
    assert.deepEqual(props(envelope()), {
      target: 'admin@db:5432/postgres',
      serverVersion: '18.1',
      failOn: 'critical',
    });
    assert.deepEqual(props(envelope({ target: null, serverVersion: null, command: 'recommend' })), {
      failOn: 'critical',
    });
  });

  it('hostile text survives the round trip; characters XML 1.0 forbids are dropped', () => {
    const nasty = `<script>&"'</script> ]]> \t tab\r\nnext`;
    const controls = '\u0000\u0007\u001b\u000b\uffff\ud800';
    const hostile: Finding = {
      id: 'fleet-plan',
      severity: 'critical',
      title: `${nasty}${controls}`,
      observed: nasty,
      subject: `"${nasty}"`,
    };
    const report = envelope({
      findings: [hostile, { ...hostile, severity: 'ok' }],
      skipped: [{ id: 'session-states', reason: `${controls}${nasty}` }],
      ignored: [{ finding: hostile, reason: nasty }],
      target: `u@h:1/${nasty}`,
    });
    const { xml, suite } = junit(report);
    // eslint-disable-next-line no-control-regex -- looking for exactly those characters
    assert.doesNotMatch(xml, /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/u);
    assert.doesNotMatch(xml, /[\ud800-\udfff]/u);
    assert.doesNotMatch(xml, /<script>/);
    const [failing, passing, skippedCase, ignoredCase] = suite.testcase;
    assert.equal(failing?.name, `fleet-plan ("${nasty}")`);
    assert.equal(failing?.failure?.message, nasty);
    assert.equal(failing?.failure?.['#text'], `${nasty}\nobserved: ${nasty}`);
    assert.equal(passing?.['system-out'], `ok: ${nasty}`);
    assert.deepEqual(skippedCase?.skipped, { message: nasty });
    assert.equal(
      typeof ignoredCase?.skipped === 'object' && ignoredCase.skipped.message,
      `ignored: ${nasty}`,
    );
    assert.equal(suite.properties.property[0]?.value, `u@h:1/${nasty}`);
  });
});
