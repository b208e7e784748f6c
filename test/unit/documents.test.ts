import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { exitCodeFor } from '../../src/core/exit-codes.js';
import type { Finding, IgnoredFinding, Skipped } from '../../src/core/findings.js';
import {
  code,
  dim,
  spansOf,
  toned,
  type Inline,
  type ReportDocument,
  type Span,
} from '../../src/report/document.js';
import { documentOf } from '../../src/report/documents/index.js';
import { findingName, fixTakesEffect, hintTitles } from '../../src/report/formats/finding-parts.js';
import { renderGithubAnnotations } from '../../src/report/formats/github.js';
import { renderJson } from '../../src/report/formats/json.js';
import { renderJunit } from '../../src/report/formats/junit.js';
import { renderMarkdown } from '../../src/report/formats/markdown.js';
import { renderText } from '../../src/report/formats/text.js';
import { plainStyle } from '../../src/report/style.js';
import { GOLDEN_DIR } from '../helpers/paths.js';
import { FIXTURE_REPORTS } from './documents-fixtures.js';

const UPDATE = process.env.UPDATE_GOLDEN === '1';
const VERSION = '0.0.0-golden';
// A fixed width and no colour: what a pipe gets, whatever terminal runs the tests.
const text = (document: ReportDocument, quiet = false) =>
  renderText(document, { style: plainStyle, width: 100, quiet });

/** Every format of a document, as --format writes it to a file (NDJSON runs with all their lines). */
const FORMATS = {
  text: (d: ReportDocument) => text(d),
  quiet: (d: ReportDocument) => text(d, true),
  markdown: renderMarkdown,
  json: (d: ReportDocument) => renderJson(d, VERSION),
  github: (d: ReportDocument) => `${text(d)}${renderGithubAnnotations(d.envelope)}`,
  junit: (d: ReportDocument) => renderJunit(d.envelope),
} as const;

describe('golden reports: every command × format on fixture facts', () => {
  mkdirSync(`${GOLDEN_DIR}reports`, { recursive: true });
  for (const [name, report] of Object.entries(FIXTURE_REPORTS)) {
    for (const [format, render] of Object.entries(FORMATS)) {
      it(`${name} as ${format}`, () => {
        const actual = render(documentOf(report()));
        const file = `${GOLDEN_DIR}reports/${name}.${format}.txt`;
        if (UPDATE) writeFileSync(file, actual);
        assert.equal(
          actual,
          readFileSync(file, 'utf8'),
          `${file} differs (UPDATE_GOLDEN=1 rewrites it after review)`,
        );
      });
    }
  }
});

// ---- Every format carries the same facts ----

const words = (s: string) => s.replace(/\s+/g, ' ').trim();

function spanWords(span: Span): string {
  if (typeof span === 'string') return span;
  return 'bars' in span ? span.bars.map((b) => b.bar).join('') : span.text;
}
const inlineWords = (inline: Inline): string => spansOf(inline).map(spanWords).join('');

/** What the header and the sections say, cell by cell: the text and markdown formats show all of it. */
function bodyFacts(document: ReportDocument): string[] {
  const facts = [document.header.subject, ...document.header.facts];
  for (const section of document.sections) {
    if (section.heading !== undefined) facts.push(inlineWords(section.heading));
    for (const block of section.blocks) {
      switch (block.kind) {
        case 'paragraph':
          facts.push(inlineWords(block.text), ...(block.label === undefined ? [] : [block.label]));
          break;
        case 'table':
          facts.push(...block.head, ...block.rows.flat().map(inlineWords));
          break;
        case 'pairs':
          for (const row of block.rows) facts.push(row.label, inlineWords(row.value), row.status ?? '');
          break;
        case 'steps':
          for (const step of block.steps) facts.push(step.label, step.formula, step.result);
          break;
        case 'code':
          facts.push(...block.code.split('\n'));
          break;
        case 'notes':
          facts.push(...block.items);
          break;
        case 'findings':
          facts.push(block.note, ...block.findings.flatMap((f) => attentionFacts(f)));
          break;
      }
    }
  }
  return facts.map(words).filter(Boolean);
}

/** What a finding that needs attention says: every format that reports it says all of this. */
function attentionFacts(f: Finding, restartWording = 'needs a restart'): string[] {
  const when = fixTakesEffect(f.fix).replace('needs a restart', restartWording);
  return [f.title, f.observed ?? '', f.expected ?? '', ...(f.fix?.sql ?? []), when, ...hintTitles(f)];
}

const needsAttention = (d: ReportDocument) => d.envelope.findings.filter((f) => f.severity !== 'ok');
const passed = (d: ReportDocument) => d.envelope.findings.filter((f) => f.severity === 'ok');
const skippedFacts = (s: Skipped) => [s.id, s.reason, s.enableWith ?? ''];

/** The facts of the envelope every human format must show: findings, skipped checks, ignored ones, the gate. */
function envelopeFacts(d: ReportDocument): string[] {
  const { envelope } = d;
  return [
    ...needsAttention(d).flatMap((f) => attentionFacts(f)),
    ...passed(d).map((f) => f.title),
    ...envelope.skipped.flatMap(skippedFacts),
    ...(envelope.ignored ?? []).flatMap((i) => [findingName(i.finding), i.reason]),
    `fails at ${envelope.failOn}; exit ${envelope.exitCode}`,
  ]
    .map(words)
    .filter(Boolean);
}

function assertCarries(format: string, output: string, facts: readonly string[]): void {
  const seen = words(output);
  const missing = facts.filter((fact) => !seen.includes(fact));
  assert.deepEqual(missing, [], `${format} leaves out facts`);
}

const unescapeGithub = (s: string) =>
  s
    .replaceAll('%0D', '\r')
    .replaceAll('%0A', '\n')
    .replaceAll('%3A', ':')
    .replaceAll('%2C', ',')
    .replaceAll('%25', '%');
const unescapeXml = (s: string) =>
  s
    .replaceAll('&#10;', '\n')
    .replaceAll('&#13;', '\r')
    .replaceAll('&#9;', '\t')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
// Markdown marks code with backticks and escapes a pipe inside a table cell.
const unmarkMarkdown = (s: string) => s.replaceAll('`', '').replaceAll('\\|', '|');

function assertFormatsAgree(document: ReportDocument): void {
  const body = bodyFacts(document);
  const envelope = envelopeFacts(document);
  assertCarries('text', text(document), [...body, ...envelope]);
  assertCarries(
    'markdown',
    unmarkMarkdown(renderMarkdown(document)),
    [...body, ...envelope].map(unmarkMarkdown),
  );

  // JSON carries the envelope as data.
  // An NDJSON run's report is its last line, written after the lines that went out as they happened.
  const json = JSON.parse(renderJson(document, VERSION)) as Record<string, unknown>;
  assert.deepEqual(json.findings, document.envelope.findings);
  assert.deepEqual(json.skipped, document.envelope.skipped);
  assert.deepEqual(json.ignored, document.envelope.ignored ?? []);
  assert.equal(json.exitCode, document.envelope.exitCode);
  assert.equal(json.failOn, document.envelope.failOn);
  for (const [key, value] of Object.entries(document.json.body))
    assert.deepEqual(json[key], JSON.parse(JSON.stringify(value)), key);

  // GitHub annotates what needs attention and what could not run, and names what was ignored.
  assertCarries(
    'github',
    unescapeGithub(renderGithubAnnotations(document.envelope)),
    [
      ...needsAttention(document).flatMap((f) => attentionFacts(f)),
      ...document.envelope.skipped.flatMap(skippedFacts),
      ...(document.envelope.ignored ?? []).map((i) => findingName(i.finding)),
    ]
      .map(words)
      .filter(Boolean),
  );

  // JUnit details a finding where it fails the gate: at --fail-on info, every finding that needs attention.
  const strict = { ...document.envelope, failOn: 'info' as const };
  assertCarries(
    'junit',
    unescapeXml(renderJunit(strict)),
    [
      ...needsAttention(document).flatMap((f) => attentionFacts(f, 'needs a server restart')),
      ...passed(document).map((f) => f.title),
      ...document.envelope.skipped.flatMap(skippedFacts),
      ...(document.envelope.ignored ?? []).flatMap((i) => [findingName(i.finding), i.reason]),
    ]
      .map(words)
      .filter(Boolean),
  );
}

const findings: Finding[] = [
  { id: 'work-mem', severity: 'ok', title: 'work_mem is 4MB, as advised' },
  { id: 'connection-tier', severity: 'info', title: 'A small server: 100 slots' },
  {
    id: 'statement-timeout-disabled',
    severity: 'warning',
    title: 'No statement timeout',
    observed: 'statement_timeout = 0',
    expected: '30s',
    fix: { sql: ["ALTER SYSTEM SET statement_timeout = '30s';", 'SELECT pg_reload_conf();'], reload: true },
    hints: ['slow-acquisition'],
  },
  {
    id: 'slot-usage',
    severity: 'critical',
    title: 'Client connections fill 92% of the usable slots | a pipe, <xml> & "quotes"',
    observed: '92 of 100 usable slots in use',
    expected: 'under 70%',
    fix: { sql: ['ALTER SYSTEM SET max_connections = 200;'], restart: true },
    hints: ['too-many-connections', 'pgbouncer'],
    subject: 'api',
  },
];
const skipped: Skipped[] = [
  {
    id: 'session-states',
    reason: 'role "app" cannot see other sessions',
    enableWith: 'GRANT pg_monitor TO "app";',
  },
];
const ignored: IgnoredFinding[] = [
  {
    finding: { id: 'fleet-plan', severity: 'critical', title: 'The fleet does not fit', subject: 'checkout' },
    reason: 'the fleet shrinks this week',
  },
];

/** A document with every kind of block and mark, for the formats to agree on. */
const everyBlock: ReportDocument = {
  envelope: {
    command: 'check-server',
    target: 'admin@db:5432/postgres',
    serverVersion: '18.1',
    findings,
    skipped,
    ignored,
    failOn: 'critical',
    exitCode: exitCodeFor(findings, 'critical'),
  },
  header: { title: 'Everything', subject: 'admin@db:5432/postgres', facts: ['PostgreSQL 18.1', 'a fact'] },
  sections: [
    {
      heading: 'A paragraph',
      blocks: [
        {
          kind: 'paragraph',
          label: 'Load',
          text: ['200/s with ', code('--rps 200'), ' ', dim('(an aside)')],
        },
      ],
    },
    {
      heading: ['Code in a heading: ', code('--emit sqlx')],
      blocks: [
        {
          kind: 'table',
          head: ['name', 'value'],
          rows: [
            ['a | b', code('1')],
            ['c', toned('critical', 'critical')],
          ],
        },
        {
          kind: 'pairs',
          head: ['area', 'summary'],
          rows: [
            {
              label: 'utilisation',
              status: 'warning',
              value: [
                'peak ',
                toned('92 %', 'critical'),
                ' ',
                {
                  bars: [
                    { bar: '▁', tone: 'ok' },
                    { bar: '█', tone: 'critical' },
                  ],
                },
              ],
            },
            { label: 'schema', status: 'skipped', value: '' },
          ],
        },
      ],
      keepWhenQuiet: true,
    },
    {
      heading: 'Steps',
      blocks: [
        {
          kind: 'steps',
          steps: [{ label: 'budget', formula: 'floor(usable × 0.8)', result: 'floor(80) = 80' }],
        },
      ],
    },
    {
      heading: 'Code',
      blocks: [
        { kind: 'code', language: 'javascript', code: 'const pool = new pg.Pool({\n  max: 40,\n});\n' },
        { kind: 'notes', label: 'note', items: ['a note that says why'] },
      ],
    },
    {
      heading: 'Compared',
      blocks: [{ kind: 'findings', findings: findings.slice(2), note: 'not part of the exit code' }],
    },
  ],
  json: { body: { extra: { a: 1 } } },
};

describe('every format carries the same facts', () => {
  it('a document with every kind of block', () => assertFormatsAgree(everyBlock));
  for (const [name, report] of Object.entries(FIXTURE_REPORTS)) {
    it(`${name}'s document`, () => assertFormatsAgree(documentOf(report())));
  }
});
