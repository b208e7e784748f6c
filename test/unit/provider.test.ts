import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeProvider, detectProvider, NO_MARKERS } from '../../src/core/provider/detect.js';
import { inSettingUnit } from '../../src/core/provider/setting-way.js';
import { usableSlots } from '../../src/core/server-facts.js';
import { serverFacts } from '../helpers/facts.js';

const markers = (m: Partial<typeof NO_MARKERS>) => ({ ...NO_MARKERS, ...m });

describe('recognising a managed provider from SQL (issue 15 §3)', () => {
  it('recognises none on a server without marks', () => {
    assert.equal(detectProvider(NO_MARKERS), null);
  });

  it('recognises RDS from its settings and roles, and names both in the header', () => {
    const rds = detectProvider(markers({ settingPrefixes: ['rds'], roles: ['rdsadmin', 'rds_superuser'] }));
    assert.equal(rds?.id, 'rds');
    assert.equal(
      rds && describeProvider(rds),
      'managed: Amazon RDS (rds.* settings, rds_superuser role, rdsadmin role)',
    );
  });

  it("recognises Aurora, RDS's marks plus aurora_version()", () => {
    const aurora = detectProvider(
      markers({ settingPrefixes: ['rds'], roles: ['rds_superuser'], functions: ['aurora_version'] }),
    );
    assert.equal(aurora?.id, 'aurora');
    assert.deepEqual(aurora?.evidence, ['rds.* settings', 'rds_superuser role', 'aurora_version() function']);
  });

  it('recognises Cloud SQL, Azure, Neon, Supabase, Crunchy Bridge, DigitalOcean and Aiven by their roles', () => {
    const cases: [string, string][] = [
      ['cloudsqlsuperuser', 'cloudsql'],
      ['azure_pg_admin', 'azure'],
      ['neon_superuser', 'neon'],
      ['supabase_admin', 'supabase'],
      ['crunchy_read', 'crunchy-bridge'],
      ['doadmin', 'digitalocean'],
      ['avnadmin', 'aiven'],
    ];
    for (const [role, id] of cases) assert.equal(detectProvider(markers({ roles: [role] }))?.id, id, role);
  });

  it('weighs a role above settings anyone could define as placeholders', () => {
    // A Cloud SQL server where someone set rds.* and azure.* placeholders is still Cloud SQL.
    const found = detectProvider(
      markers({ settingPrefixes: ['azure', 'neon', 'rds'], roles: ['cloudsqlsuperuser'] }),
    );
    assert.equal(found?.id, 'cloudsql');
    assert.deepEqual(found?.evidence, ['cloudsqlsuperuser role']);
  });

  it('recognises a provider from its settings alone, as weak evidence, and Heroku from its schema', () => {
    assert.equal(detectProvider(markers({ settingPrefixes: ['azure'] }))?.id, 'azure');
    assert.equal(detectProvider(markers({ schemas: ['heroku_ext'] }))?.id, 'heroku');
  });
});

describe("a value in the setting's own unit, as provider APIs take it", () => {
  it('converts sizes and durations, and passes numbers and unknown units on', () => {
    assert.equal(inSettingUnit('64MB', 'kB'), '65536');
    assert.equal(inSettingUnit('128MB', '8kB'), '16384');
    assert.equal(inSettingUnit('30s', 'ms'), '30000');
    assert.equal(inSettingUnit(120, null), '120');
    assert.equal(inSettingUnit('on', null), 'on');
  });
});

describe('the slots a recognised provider keeps for itself', () => {
  const on = (id: 'azure' | 'neon' | 'rds', superuserReserved: number) =>
    usableSlots(
      serverFacts({
        settings: { max_connections: 859, superuser_reserved_connections: superuserReserved },
        provider: { id, name: id, evidence: [] },
      }),
    );

  it("takes off what the provider keeps beyond the server's own reserved slots, never twice", () => {
    // Azure keeps 15: 3 of them may be superuser_reserved_connections, so 12 more.
    assert.deepEqual(
      { ...on('azure', 3) },
      { max: 859, superuserReserved: 3, reserved: 0, providerReserved: 12, totalReserved: 15, usable: 844 },
    );
    // Neon's 7 may be its superuser_reserved_connections: nothing more is taken off.
    assert.equal(on('neon', 7).usable, 852);
    assert.equal(on('neon', 7).providerReserved, 0);
    // RDS documents no count of its own (its rds_reserved slots are not read yet).
    assert.equal(on('rds', 3).usable, 856);
  });

  it('takes nothing off a self-hosted server', () => {
    assert.equal(usableSlots(serverFacts()).providerReserved, 0);
  });
});
