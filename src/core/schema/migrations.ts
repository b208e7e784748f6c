import type { Finding, Skipped } from '../findings.js';
import type { CatalogSnapshot, MigrationsSpec } from './types.js';

/** Which objects the database should hold, as far as its migration ledger tells. */
export interface MigrationScope {
  /** Objects of migrations up to this version are expected; undefined: all the spec lists. */
  readonly through: number | undefined;
  /** How findings name what was expected: `eventcore-postgres 2.0.x`, `migrations up to 6`. */
  readonly label: string;
}

export interface MigrationJudgement {
  readonly scope: MigrationScope;
  readonly findings: Finding[];
  readonly skipped: Skipped[];
}

/** `1–7`, `4`, `1, 3, 5` */
export function versionList(versions: readonly number[]): string {
  const sorted = [...versions].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] ?? 0) + 1) j += 1;
    const from = sorted[i];
    const to = sorted[j];
    runs.push(j - i >= 2 ? `${from}–${to}` : sorted.slice(i, j + 1).join(', '));
    i = j + 1;
  }
  return runs.join(', ');
}

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

/**
 * Reads the ledger the migration tool keeps and says which release the database matches. The ledger
 * decides which objects are expected: an older release's database is not faulted for lacking what only
 * newer migrations create.
 */
export function judgeMigrations(migrations: MigrationsSpec, catalog: CatalogSnapshot): MigrationJudgement {
  const known = migrations.versions.map((v) => v.version).sort((a, b) => a - b);
  const latest = migrations.releases.at(-1);
  const everything: MigrationScope = { through: undefined, label: latest?.label ?? 'the spec' };
  const where = catalog.schema === null ? 'any schema on the search_path' : `schema "${catalog.schema}"`;
  const ledger = catalog.migrations;
  const { table, tool } = migrations;
  const describeVersion = (v: number) => {
    const description = migrations.versions.find((m) => m.version === v)?.description;
    return description ? `${v} (${description})` : String(v);
  };

  switch (ledger.state) {
    case 'not-asked':
      return { scope: everything, findings: [], skipped: [] };
    case 'unreadable':
      return {
        scope: everything,
        findings: [],
        skipped: [
          {
            id: 'schema-migrations',
            reason: `${ledger.reason}, so which ${tool} migrations ran is not checked and the objects are checked against ${everything.label}`,
            enableWith: ledger.grant,
          },
        ],
      };
    case 'absent':
      // A warning even when every object is there: the tool takes a database without its ledger for a
      // new one and would run every migration again, which fails on the objects that already exist.
      return {
        scope: everything,
        findings: [
          {
            id: 'schema-migrations',
            severity: 'warning',
            title: `No ${table} table in ${where}: which migrations ran is unknown, so the objects are checked against ${everything.label}`,
            observed: `no ${table} table in ${where}`,
            expected: `${tool}'s ledger with a row for every applied migration; without it ${tool} would run all migrations again`,
          },
        ],
        skipped: [],
      };
    case 'read':
      break;
  }

  const findings: Finding[] = [];
  const applied = new Set(ledger.rows.filter((r) => r.success).map((r) => r.version));
  const failed = ledger.rows.filter((r) => !r.success).map((r) => r.version);
  if (failed.length > 0) {
    findings.push({
      id: 'schema-migration-failed',
      severity: 'critical',
      title: `${plural(failed.length, 'Migration', 'Migrations')} ${failed.map(describeVersion).join(', ')} failed: ${table} records ${plural(failed.length, 'it', 'them')} with success = false`,
      observed: `${table} rows with success = false: ${versionList(failed)}`,
      expected: `every recorded migration succeeded; ${tool} refuses to migrate while one is recorded as failed, so repair what it left half done and delete its row from ${table} before migrating again`,
    });
  }
  const unknown = [...applied].filter((v) => !known.includes(v));
  if (unknown.length > 0) {
    findings.push({
      id: 'schema-migrations-unknown',
      severity: 'info',
      title: `${table} records ${plural(unknown.length, 'migration', 'migrations')} ${versionList(unknown)}, which ${everything.label} (the newest release pooltune knows) does not have; what ${plural(unknown.length, 'it creates', 'they create')} is not checked`,
      observed: `${table} versions ${versionList(unknown)}`,
      expected: `versions ${versionList(known)}; a newer release, or another application's migrations sharing the ledger`,
    });
  }

  const highest = Math.max(0, ...known.filter((v) => applied.has(v)));
  if (highest === 0) {
    findings.push({
      id: 'schema-migrations',
      severity: 'warning',
      title: `${table} records no applied migration: the objects are checked against ${everything.label}`,
      observed: `no successful rows for versions ${versionList(known)} in ${table}`,
      expected: `the migrations of ${everything.label}: ${versionList(known)}`,
    });
    return { scope: everything, findings, skipped: [] };
  }

  const gaps = known.filter((v) => v < highest && !applied.has(v));
  const appliedRange = versionList(known.filter((v) => v <= highest));
  const releaseList = migrations.releases
    .map((r) => `${versionList(known.filter((v) => v <= r.through))} (${r.label})`)
    .join(', ');
  if (gaps.length > 0) {
    // Migrations run in order, so a hole means one was skipped or its row deleted; the tool would run it
    // at the next migrate, after the later ones it may depend on.
    findings.push({
      id: 'schema-migrations',
      severity: 'warning',
      title: `Migrations up to ${highest} applied but not ${versionList(gaps)}: no release pooltune knows leaves a database like this`,
      observed: `${table} has no successful row for ${gaps.map(describeVersion).join(', ')}`,
      expected: `an unbroken run: ${releaseList}`,
    });
    return { scope: { through: highest, label: `migrations up to ${highest}` }, findings, skipped: [] };
  }

  const release = migrations.releases.find((r) => r.through === highest);
  if (!release) {
    findings.push({
      id: 'schema-migrations',
      severity: 'warning',
      title: `Migrations ${appliedRange} applied: no release pooltune knows stops there, so an upgrade may have stopped part-way`,
      observed: `${table} records migrations ${appliedRange}`,
      expected: `one release's full set: ${releaseList}`,
    });
    return { scope: { through: highest, label: `migrations ${appliedRange}` }, findings, skipped: [] };
  }
  if (release === latest) {
    findings.push({
      id: 'schema-migrations',
      severity: 'ok',
      title: `Migrations ${appliedRange} applied: matches ${release.label}`,
    });
  } else {
    // Info, not a warning: this is exactly what the older release creates, and pooltune cannot see which
    // release the application is built with; only an application on the newer release is short of objects.
    const missing = known.filter((v) => v > highest);
    findings.push({
      id: 'schema-migrations',
      severity: 'info',
      title: `Migrations ${appliedRange} applied: matches ${release.label}; ${latest?.label} also needs ${plural(missing.length, 'migration', 'migrations')} ${missing.map(describeVersion).join(', ')}`,
      observed: `${table} records migrations ${appliedRange}`,
      expected: `for ${latest?.label}: migrations ${versionList(known)}, applied before an application on that release uses this database`,
    });
  }
  return { scope: { through: highest, label: release.label }, findings, skipped: [] };
}
