import type { Finding, Skipped } from '../findings.js';
import { judgeMigrations, type MigrationScope } from './migrations.js';
import type {
  CatalogObjects,
  CatalogSnapshot,
  CatalogTrigger,
  IndexSpec,
  SchemaSpec,
  TableSpec,
  TriggerSpec,
} from './types.js';

/*
 * Severities. Critical is for what makes the application's statements fail or its guarantees vanish for
 * certain: a missing table, column, index, trigger or function; a trigger that is disabled (it does
 * nothing, as if missing); an index whose uniqueness is absent (two writers may both append the same
 * stream version) or in the way (legitimate inserts fail). Differences in shape (a column's type or
 * nullability, an index's columns, when a trigger fires) are warnings: the object is there and most
 * statements still work, and pooltune cannot tell a deliberate local change from drift, so a person
 * should look without the run failing by default.
 */

type Noun = 'table' | 'column' | 'primary key' | 'index' | 'trigger' | 'function';

interface Problem {
  readonly severity: 'critical' | 'warning';
  readonly noun: Noun;
  /** For the title's tally: `missing`, `disabled`, `not unique` …; warnings all count as differences. */
  readonly state: string;
  /** The table it belongs to; none for a missing table or a function, which are listed on their own. */
  readonly table?: string;
  readonly text: string;
  /** A missing table that exists in another schema. */
  readonly elsewhere?: boolean;
}

const PLURAL: Readonly<Record<Noun, string>> = {
  table: 'tables',
  column: 'columns',
  'primary key': 'primary keys',
  index: 'indexes',
  trigger: 'triggers',
  function: 'functions',
};
const NOUN_ORDER: readonly Noun[] = ['table', 'column', 'primary key', 'index', 'trigger', 'function'];

const count = (n: number, noun: Noun) => `${n} ${n === 1 ? noun : PLURAL[noun]}`;

function andList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function tally(nouns: readonly Noun[]): string {
  return andList(
    NOUN_ORDER.map((noun) => ({ noun, n: nouns.filter((x) => x === noun).length }))
      .filter(({ n }) => n > 0)
      .map(({ noun, n }) => count(n, noun)),
  );
}

const columnsText = (columns: readonly (string | null)[]) =>
  `(${columns.map((c) => c ?? '(expression)').join(', ')})`;

function sameList(a: readonly (string | null)[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function firing(t: Pick<TriggerSpec, 'timing' | 'events' | 'level'>): string {
  return `${t.timing} ${t.events.join(' OR ')}${t.level ? ` FOR EACH ${t.level}` : ''}`;
}

function sameFiring(found: CatalogTrigger, wanted: TriggerSpec): boolean {
  return (
    found.timing === wanted.timing &&
    (wanted.level === undefined || found.level === wanted.level) &&
    found.events.length === wanted.events.length &&
    wanted.events.every((e) => found.events.includes(e))
  );
}

/** The objects a spec expects, limited to the migrations the ledger has. */
function required(spec: SchemaSpec, scope: MigrationScope) {
  const within = (since: number | undefined) =>
    scope.through === undefined || since === undefined || since <= scope.through;
  const tables = spec.tables
    .filter((t) => within(t.since))
    .map((t) => ({
      ...t,
      columns: t.columns.filter((c) => within(c.since ?? t.since)),
      indexes: t.indexes.filter((x) => within(x.since ?? t.since)),
      triggers: t.triggers.filter((x) => within(x.since ?? t.since)),
    }));
  return { tables, functions: spec.functions.filter((f) => within(f.since)) };
}

function inventory(tables: readonly TableSpec[], functionCount: number): string {
  const nouns: Noun[] = [];
  for (const t of tables) {
    nouns.push('table', ...t.columns.map(() => 'column' as const));
    if (t.primaryKey) nouns.push('primary key');
    nouns.push(...t.indexes.map(() => 'index' as const), ...t.triggers.map(() => 'trigger' as const));
  }
  nouns.push(...Array.from({ length: functionCount }, () => 'function' as const));
  return tally(nouns);
}

function compareIndex(table: string, wanted: IndexSpec, objects: CatalogObjects, note: string): Problem[] {
  const found = objects.indexes.find((x) => x.name === wanted.name && x.table === table);
  if (!found) {
    const other = objects.indexes.find((x) => x.name === wanted.name);
    const also = other ? ` (an index of that name is on table ${other.table})` : '';
    return [
      {
        severity: 'critical',
        noun: 'index',
        state: 'missing',
        table,
        text: `index ${wanted.name} missing${note}${also}`,
      },
    ];
  }
  const problems: Problem[] = [];
  if (wanted.unique === true && !found.unique) {
    problems.push({
      severity: 'critical',
      noun: 'index',
      state: 'not unique',
      table,
      text: `index ${wanted.name} is not unique`,
    });
  } else if (wanted.unique === false && found.unique) {
    problems.push({
      severity: 'critical',
      noun: 'index',
      state: 'unique where it must not be',
      table,
      text: `index ${wanted.name} is unique, so inserts the application expects to succeed fail`,
    });
  }
  if (wanted.columns && !sameList(found.columns, wanted.columns)) {
    problems.push({
      severity: 'warning',
      noun: 'index',
      state: 'differs',
      table,
      text: `index ${wanted.name} covers ${columnsText(found.columns)}, expected ${columnsText(wanted.columns)}`,
    });
  }
  if (!found.valid) {
    problems.push({
      severity: 'warning',
      noun: 'index',
      state: 'differs',
      table,
      text: `index ${wanted.name} is invalid (an interrupted CREATE INDEX CONCURRENTLY?) and unused by queries until REINDEX rebuilds it`,
    });
  }
  return problems;
}

function compareTrigger(
  table: string,
  wanted: TriggerSpec,
  objects: CatalogObjects,
  note: string,
): Problem[] {
  const found = objects.triggers.find((t) => t.name === wanted.name && t.table === table);
  if (!found) {
    return [
      {
        severity: 'critical',
        noun: 'trigger',
        state: 'missing',
        table,
        text: `trigger ${wanted.name} missing${note}`,
      },
    ];
  }
  const problems: Problem[] = [];
  if (!found.enabled) {
    problems.push({
      severity: 'critical',
      noun: 'trigger',
      state: 'disabled',
      table,
      text: `trigger ${wanted.name} is disabled (ALTER TABLE ${table} ENABLE TRIGGER ${wanted.name} turns it back on)`,
    });
  }
  if (!sameFiring(found, wanted)) {
    problems.push({
      severity: 'warning',
      noun: 'trigger',
      state: 'differs',
      table,
      text: `trigger ${wanted.name} fires ${firing(wanted.level ? found : { timing: found.timing, events: found.events })}, expected ${firing(wanted)}`,
    });
  }
  if (wanted.function !== undefined && found.function !== wanted.function) {
    problems.push({
      severity: 'warning',
      noun: 'trigger',
      state: 'differs',
      table,
      text: `trigger ${wanted.name} executes ${found.function}(), expected ${wanted.function}()`,
    });
  }
  return problems;
}

function compareTable(
  wanted: TableSpec,
  objects: CatalogObjects,
  sinceNote: (since: number | undefined) => string[],
): Problem[] {
  const noted = (since: number | undefined) =>
    sinceNote(since)
      .map((n) => ` (${n})`)
      .join('');
  const found = objects.tables.find((t) => t.name === wanted.name);
  if (!found) {
    const elsewhere = objects.elsewhere
      .filter((e) => e.name === wanted.name)
      .map((e) => `present in schema "${e.schema}" instead`);
    const notes = [...sinceNote(wanted.since), ...elsewhere];
    return [
      {
        severity: 'critical',
        noun: 'table',
        state: 'missing',
        text: `${wanted.name}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`,
        elsewhere: elsewhere.length > 0,
      },
    ];
  }
  if (found.kind !== 'table' && found.kind !== 'partitioned table') {
    return [
      {
        severity: 'critical',
        noun: 'table',
        state: `replaced by a ${found.kind}`,
        table: wanted.name,
        text: `is a ${found.kind}, not a table`,
      },
    ];
  }
  const table = wanted.name;
  const problems: Problem[] = [];
  for (const column of wanted.columns) {
    const have = found.columns.find((c) => c.name === column.name);
    if (!have) {
      problems.push({
        severity: 'critical',
        noun: 'column',
        state: 'missing',
        table,
        text: `column ${column.name} missing${noted(column.since ?? wanted.since)}`,
      });
      continue;
    }
    if (column.type !== undefined && have.type !== column.type) {
      problems.push({
        severity: 'warning',
        noun: 'column',
        state: 'differs',
        table,
        text: `column ${column.name} is ${have.type}, expected ${column.type}`,
      });
    }
    if (column.nullable !== undefined && have.nullable !== column.nullable) {
      problems.push({
        severity: 'warning',
        noun: 'column',
        state: 'differs',
        table,
        text: `column ${column.name} ${have.nullable ? 'allows NULL' : 'is NOT NULL'}, expected ${column.nullable ? 'nullable' : 'NOT NULL'}`,
      });
    }
  }
  if (wanted.primaryKey) {
    const pk = objects.indexes.find((x) => x.table === table && x.primary);
    if (!pk) {
      problems.push({
        severity: 'critical',
        noun: 'primary key',
        state: 'missing',
        table,
        text: `no primary key (expected on ${columnsText(wanted.primaryKey)})`,
      });
    } else if (!sameList(pk.columns, wanted.primaryKey)) {
      problems.push({
        severity: 'warning',
        noun: 'primary key',
        state: 'differs',
        table,
        text: `primary key on ${columnsText(pk.columns)}, expected ${columnsText(wanted.primaryKey)}`,
      });
    }
  }
  for (const index of wanted.indexes) {
    problems.push(...compareIndex(table, index, objects, noted(index.since ?? wanted.since)));
  }
  for (const trigger of wanted.triggers) {
    problems.push(...compareTrigger(table, trigger, objects, noted(trigger.since ?? wanted.since)));
  }
  return problems;
}

/** One line for many problems: missing tables together, functions together, the rest by table. */
function observedText(problems: readonly Problem[]): string {
  const parts: string[] = [];
  const missingTables = problems.filter((p) => p.noun === 'table' && p.table === undefined);
  if (missingTables.length > 0) {
    parts.push(
      `${missingTables.length === 1 ? 'table' : 'tables'} missing: ${missingTables.map((p) => p.text).join(', ')}`,
    );
  }
  const byTable = new Map<string, string[]>();
  for (const p of problems) {
    if (p.table === undefined) continue;
    byTable.set(p.table, [...(byTable.get(p.table) ?? []), p.text]);
  }
  for (const [table, texts] of byTable) parts.push(`${table}: ${texts.join(', ')}`);
  const functions = problems.filter((p) => p.noun === 'function');
  if (functions.length > 0) {
    parts.push(
      `${functions.length === 1 ? 'function' : 'functions'} missing: ${functions.map((p) => p.text).join(', ')}`,
    );
  }
  return parts.join('; ');
}

function criticalTitle(problems: readonly Problem[]): string {
  const byState = new Map<string, Noun[]>();
  for (const p of problems) byState.set(p.state, [...(byState.get(p.state) ?? []), p.noun]);
  const missingFirst = [...byState].sort(([a], [b]) => Number(b === 'missing') - Number(a === 'missing'));
  return missingFirst.map(([state, nouns]) => `${tally(nouns)} ${state}`).join('; ');
}

function judgeObjects(
  spec: SchemaSpec,
  catalog: CatalogSnapshot,
  scope: MigrationScope,
): { findings: Finding[]; skipped: Skipped[] } {
  const { objects } = catalog;
  if (objects.state === 'unreadable') {
    return {
      findings: [],
      skipped: [
        {
          id: 'schema-objects',
          reason: `${objects.reason}, so the tables, indexes, triggers and functions of ${scope.label} are not checked`,
          enableWith: objects.grant,
        },
      ],
    };
  }
  const wanted = required(spec, scope);
  const expected = inventory(wanted.tables, wanted.functions.length);
  const elsewhere = (names: readonly string[]) => {
    const found = objects.elsewhere.filter((e) => names.includes(e.name));
    return found.length === 0
      ? ''
      : `; found elsewhere: ${found.map((e) => `${e.name} in schema "${e.schema}"`).join(', ')}`;
  };

  if (catalog.schema === null || !catalog.schemaExists) {
    const missingSchema =
      catalog.schema === null
        ? `No schema on the search_path exists for role "${catalog.role}" (search_path = ${catalog.searchPath})`
        : `Schema "${catalog.schema}" does not exist`;
    return {
      findings: [
        {
          id: 'schema-objects',
          severity: 'critical',
          title: `${missingSchema}, so nothing ${scope.label} needs can be there`,
          observed: `${
            catalog.schema === null
              ? `current_schema() is null: no schema of the search_path ${catalog.searchPath} exists`
              : `no schema "${catalog.schema}" in this database`
          }${elsewhere(wanted.tables.map((t) => t.name))}`,
          expected: `${expected} in ${spec.schema === undefined ? 'the first schema of the search_path' : `schema "${spec.schema}"`}`,
        },
      ],
      skipped: [],
    };
  }

  const sinceNote = (since: number | undefined) =>
    spec.migrations && since !== undefined ? [`migration ${since}`] : [];
  const problems: Problem[] = [];
  for (const table of wanted.tables) problems.push(...compareTable(table, objects, sinceNote));
  for (const fn of wanted.functions) {
    if (!objects.functions.includes(fn.name)) {
      problems.push({
        severity: 'critical',
        noun: 'function',
        state: 'missing',
        text: `${fn.name}()${sinceNote(fn.since)
          .map((n) => ` (${n})`)
          .join('')}`,
      });
    }
  }

  const where = `schema "${catalog.schema}"`;
  const Where = `Schema "${catalog.schema}"`;
  const critical = problems.filter((p) => p.severity === 'critical');
  const warnings = problems.filter((p) => p.severity === 'warning');
  const findings: Finding[] = [];
  // Tables in another schema usually mean the migrations ran under another search_path than this role's.
  const searchPathNote =
    spec.schema === undefined && critical.some((p) => p.elsewhere)
      ? `; role "${catalog.role}" has search_path ${catalog.searchPath}`
      : '';
  if (critical.length > 0) {
    findings.push({
      id: 'schema-objects',
      severity: 'critical',
      title: `${Where} lacks what ${scope.label} needs: ${criticalTitle(critical)}`,
      observed: `${observedText(critical)}${searchPathNote}`,
      expected: `${expected} in ${where}`,
    });
  } else {
    findings.push({
      id: 'schema-objects',
      severity: 'ok',
      title: `Everything ${scope.label} needs is in ${where}: ${expected}`,
    });
  }
  if (warnings.length > 0) {
    findings.push({
      id: 'schema-object-differences',
      severity: 'warning',
      title: `${Where} differs from what ${scope.label} expects: ${tally(warnings.map((w) => w.noun))}`,
      observed: observedText(warnings),
      expected: `the types, nullability, index columns and trigger timing ${scope.label} states; check whether each difference is deliberate`,
    });
  }
  return { findings, skipped: [] };
}

/**
 * Compares what a spec expects with what the catalogs hold. With a migration ledger, only the objects of
 * the migrations it records are expected, and the ledger itself is judged (which release it matches, a
 * failed or skipped migration). What the role could not read is skipped, never reported as fine.
 */
export function verifySchema(
  spec: SchemaSpec,
  catalog: CatalogSnapshot,
): { findings: Finding[]; skipped: Skipped[] } {
  const ledger = spec.migrations
    ? judgeMigrations(spec.migrations, catalog)
    : { scope: { through: undefined, label: spec.title }, findings: [], skipped: [] };
  const objects = judgeObjects(spec, catalog, ledger.scope);
  return {
    findings: [...objects.findings, ...ledger.findings],
    skipped: [...objects.skipped, ...ledger.skipped],
  };
}
