import { readFileSync } from 'node:fs';
import type { CatalogSnapshot } from '../../src/core/schema/types.js';
import { FIXTURES_DIR } from './paths.js';

const MIGRATION_MARK = /^-- migration (\d+)$/m;

/**
 * The EventCore fixture up to migration `through`: the ledger table, then each migration's DDL and ledger
 * row. Split at the fixture's "-- migration N" lines.
 */
export function eventcoreMigrationsSql(through = 7): string {
  const text = readFileSync(`${FIXTURES_DIR}eventcore-2.0-migrations.sql`, 'utf8');
  const [ledger = '', ...rest] = text.split(MIGRATION_MARK);
  const sections: string[] = [ledger];
  for (let i = 0; i + 1 < rest.length; i += 2) {
    if (Number(rest[i]) <= through) sections.push(rest[i + 1] ?? '');
  }
  return sections.join('\n');
}

/** What readCatalog returns for the whole EventCore fixture (checked against real servers). */
export function eventcoreCatalog(): CatalogSnapshot {
  return JSON.parse(
    readFileSync(`${FIXTURES_DIR}schema-catalog-eventcore-2.0.json`, 'utf8'),
  ) as CatalogSnapshot;
}

export function fixtureText(name: string): string {
  return readFileSync(`${FIXTURES_DIR}${name}`, 'utf8');
}
