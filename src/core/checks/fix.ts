import type { Fix } from '../findings.js';
import type { ServerFacts } from '../server-facts.js';

/**
 * The ALTER SYSTEM statement that sets `name`, and what it takes to apply it, from pg_settings.context:
 * postmaster settings need a restart, the others a reload.
 */
export function alterSystem(facts: ServerFacts, name: string, value: string | number): Fix {
  const literal = typeof value === 'number' ? String(value) : `'${value.replaceAll("'", "''")}'`;
  const context = facts.settings.get(name)?.context ?? 'sighup';
  const restart = context === 'postmaster';
  return {
    sql: [`ALTER SYSTEM SET ${name} = ${literal};`, ...(restart ? [] : ['SELECT pg_reload_conf();'])],
    restart,
    reload: !restart,
  };
}
