import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import type { Finding } from '../../src/core/findings.js';
import type { PoolerSighting } from '../../src/core/pooler/sighting.js';
import { documentOf } from '../../src/report/documents/index.js';
import { renderGithubAnnotations } from '../../src/report/formats/github.js';
import { renderJson } from '../../src/report/formats/json.js';
import { renderJunit } from '../../src/report/formats/junit.js';
import { renderMarkdown } from '../../src/report/formats/markdown.js';
import { renderText } from '../../src/report/formats/text.js';
import { plainStyle } from '../../src/report/style.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { checkServerReport } from './documents-fixtures.js';

const Ajv = Ajv2020.default;

const idle: Finding = {
  id: 'pooler-server-idle-timeout',
  severity: 'warning',
  title:
    "PgBouncer keeps idle server connections for up to 10min, but the server's idle_session_timeout closes them after 1min",
  fix: {
    ini: ['server_idle_timeout = 30'],
    sql: ['-- or, on the server: ALTER ROLE "app" SET idle_session_timeout = 0;'],
  },
};

const tier: Finding = { id: 'connection-tier', severity: 'warning', title: 'max_connections is 2000' };

const sighting: PoolerSighting = {
  seenBy: 'backend-pid',
  sessionThrough: true,
  console: 'stats@127.0.0.1:6432/pgbouncer',
  facts: null,
  poolMode: 'transaction',
  unread: null,
};

function withPooler(inChain: boolean) {
  const report = checkServerReport();
  const pooler = inChain ? sighting : null;
  // Failing on warnings, so that JUnit writes the finding's body.
  return documentOf({
    ...report,
    findings: [...report.findings, idle, tier],
    pooler,
    failOn: 'warning',
  });
}

describe('pgbouncer.ini lines in a fix', () => {
  const document = withPooler(true);

  it('are shown by every format, with where they go', () => {
    const text = renderText(document, { style: plainStyle, width: 200, quiet: false });
    assert.match(
      text,
      /fix: server_idle_timeout = 30 {2}\(pgbouncer\.ini, then RELOAD on its admin console\)\n\s+-- or, on the server: ALTER ROLE/,
    );
    assert.match(renderMarkdown(document), /- fix: `server_idle_timeout = 30` \(pgbouncer\.ini, then RELOAD/);
    assert.match(
      renderGithubAnnotations(document.envelope),
      /fix: server_idle_timeout = 30 \(pgbouncer\.ini/,
    );
    assert.match(renderJunit(document.envelope), /fix: server_idle_timeout = 30/);
  });

  it('are in the JSON report, which its schema accepts', () => {
    const json = JSON.parse(renderJson(document, '0.0.0-test')) as { findings: Finding[] };
    assert.deepEqual(json.findings.find((f) => f.id === 'pooler-server-idle-timeout')?.fix?.ini, [
      'server_idle_timeout = 30',
    ]);
    const schema = JSON.parse(readFileSync(`${REPO_ROOT}schemas/report.schema.json`, 'utf8')) as object;
    const validate = new Ajv({
      allErrors: true,
      strict: true,
      strictRequired: false,
      allowUnionTypes: true,
    }).compile(schema);
    assert.ok(validate(json), JSON.stringify(validate.errors));
  });
});

describe('a report with a pooler in its chain', () => {
  it('never advises adding one; a report without says it where it applies', () => {
    const hints = (inChain: boolean) => withPooler(inChain).envelope.findings.flatMap((f) => f.hints ?? []);
    assert.ok(hints(false).includes('pgbouncer'));
    assert.ok(!hints(true).includes('pgbouncer'));
    assert.ok(hints(true).includes('chain-timeouts'));
  });
});
