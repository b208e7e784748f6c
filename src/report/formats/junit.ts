import { EXIT_CODE, exitCodeFor } from '../../core/exit-codes.js';
import { titleWithTarget } from '../../core/targets.js';
import type { FailOn, Finding } from '../../core/findings.js';
import type { ReportEnvelope } from '../document.js';
import { findingName, hintTitles, INI_TAKES_EFFECT, sessionsSummary, skippedName } from './finding-parts.js';

// XML 1.0 has no escape for most control characters, lone surrogates or U+FFFE/U+FFFF: a document
// carrying one is not well-formed and CI servers reject the whole report, so they are dropped.
const NOT_XML_1_0 = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function escapeText(text: string): string {
  return text
    .replace(NOT_XML_1_0, '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('\r', '&#13;');
}

// A parser turns literal tabs and line breaks inside an attribute into spaces; character references survive.
function escapeAttribute(text: string): string {
  return escapeText(text)
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;')
    .replaceAll('\n', '&#10;')
    .replaceAll('\t', '&#9;');
}

function attributes(values: Readonly<Record<string, string | number>>): string {
  return Object.entries(values)
    .map(([name, value]) => ` ${name}="${escapeAttribute(String(value))}"`)
    .join('');
}

// The same gate as the exit code, asked one finding at a time, so the report and `$?` never disagree.
function failsGate(finding: Finding, failOn: FailOn): boolean {
  return exitCodeFor([finding], failOn) !== EXIT_CODE.ok;
}

const sessionsNote = (finding: Finding) => {
  const sessions = sessionsSummary(finding);
  return sessions ? `\nsessions: ${sessions}` : '';
};

// Some CI servers show only the failure's body, so it repeats the title before the details.
function failureBody(finding: Finding): string {
  const lines = [titleWithTarget(finding)];
  if (finding.observed) lines.push(`observed: ${finding.observed}`);
  if (finding.expected) lines.push(`expected: ${finding.expected}`);
  const sessions = sessionsSummary(finding);
  if (sessions) lines.push(`sessions: ${sessions}`);
  const ini = finding.fix?.ini ?? [];
  for (const line of ini) lines.push(`fix: ${line}`);
  if (ini.length > 0) lines.push(`the pgbouncer.ini fix goes in ${INI_TAKES_EFFECT}`);
  for (const sql of finding.fix?.sql ?? []) lines.push(`fix: ${sql}`);
  if (finding.fix?.restart) lines.push('the fix needs a server restart');
  else if (finding.fix?.reload) lines.push('the fix applies on reload');
  else if (finding.fix?.newSessions) lines.push('the fix applies to new sessions');
  if (finding.fix?.order) lines.push(`order: ${finding.fix.order}`);
  for (const title of hintTitles(finding)) lines.push(`try: ${title}`);
  return lines.join('\n');
}

/**
 * The report as JUnit XML, for CI servers that chart test results (GitLab, Jenkins, CircleCI): one test
 * case per check. A finding fails exactly when it alone would fail `--fail-on`; checks that could not
 * run and findings the user ignores are reported as skipped, so they stay visible without failing.
 */
export function renderJunit(envelope: ReportEnvelope, runMs = 0): string {
  const classname = `pooltune.${envelope.command}`;
  const cases: string[] = [];
  let failures = 0;
  let skipped = 0;

  for (const finding of envelope.findings) {
    const open = `    <testcase${attributes({ classname, name: findingName(finding), time: 0 })}>`;
    if (failsGate(finding, envelope.failOn)) {
      failures += 1;
      cases.push(
        open,
        `      <failure${attributes({ message: titleWithTarget(finding), type: finding.severity })}>${escapeText(failureBody(finding))}</failure>`,
        '    </testcase>',
      );
    } else {
      cases.push(
        open,
        `      <system-out>${escapeText(`${finding.severity}: ${titleWithTarget(finding)}${sessionsNote(finding)}`)}</system-out>`,
        '    </testcase>',
      );
    }
  }
  for (const check of envelope.skipped) {
    skipped += 1;
    const enable = check.enableWith ? escapeText(`to enable: ${check.enableWith}`) : '';
    cases.push(
      `    <testcase${attributes({ classname, name: skippedName(check), time: 0 })}>`,
      enable
        ? `      <skipped${attributes({ message: check.reason })}>${enable}</skipped>`
        : `      <skipped${attributes({ message: check.reason })}/>`,
      '    </testcase>',
    );
  }
  for (const { finding, reason } of envelope.ignored ?? []) {
    skipped += 1;
    cases.push(
      `    <testcase${attributes({ classname, name: findingName(finding), time: 0 })}>`,
      `      <skipped${attributes({ message: `ignored: ${reason}` })}>${escapeText(`${finding.severity}: ${titleWithTarget(finding)}`)}</skipped>`,
      '    </testcase>',
    );
  }

  const tests = envelope.findings.length + skipped;
  // The run's duration in seconds, as JUnit writes time; the checks are not timed one by one.
  const counts = { tests, failures, errors: 0, skipped, time: Number((runMs / 1000).toFixed(3)) };
  const properties: [string, string][] = [];
  if (envelope.target !== null) properties.push(['target', envelope.target]);
  if (envelope.serverVersion !== null) properties.push(['serverVersion', envelope.serverVersion]);
  properties.push(['failOn', envelope.failOn]);

  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({ name: 'pooltune', ...counts })}>`,
    `  <testsuite${attributes({ name: `pooltune ${envelope.command}`, ...counts })}>`,
    '    <properties>',
    ...properties.map(([name, value]) => `      <property${attributes({ name, value })}/>`),
    '    </properties>',
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
