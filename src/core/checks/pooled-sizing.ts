import type { Finding } from '../findings.js';
import { plural } from '../plural.js';
import type { PooledChain } from '../pooler/chain.js';

/** PgBouncer's max_client_conn when its ini does not set one. */
export const PGBOUNCER_DEFAULT_MAX_CLIENT_CONN = 100;

/**
 * recommend behind a pooler: the fleet's pools are the pooler's clients. Against a known max_client_conn
 * they fit or not; unknown, the finding says what to check and where the server's slots are judged instead.
 */
export function pooledChainFinding(
  pooled: PooledChain,
  sized: {
    readonly instances: number;
    readonly cap: number;
    readonly wanted: number;
    readonly total: number;
    readonly byConcurrency: boolean;
  },
): Finding {
  const { instances, cap, wanted, total } = sized;
  const fleet = `${instances} × ${total / instances} = ${plural(total, 'client connection')} at peak`;
  const limit = pooled.maxClientConn;
  if (limit === undefined) {
    return {
      id: 'pooler-client-limit',
      severity: 'info',
      title: `Sized for a ${pooled.mode}-mode pooler: the server's slots do not cap the application's pool, the pooler's server pool is sized against them (--emit pgbouncer); make sure its max_client_conn (PgBouncer's default ${PGBOUNCER_DEFAULT_MAX_CLIENT_CONN}) admits ${fleet}, plus its admin and monitoring connections`,
      observed: fleet,
      expected: `max_client_conn of at least ${total} on every pooler process the fleet can reach`,
    };
  }
  const need = wanted * instances;
  if (cap < 1) {
    return {
      id: 'pooler-client-limit',
      severity: 'critical',
      title: `The pooler admits ${plural(limit, 'client connection')} (max_client_conn), less than one per instance for ${instances} instances`,
      observed: `max_client_conn ${limit} shared by ${instances} instances`,
      expected: `max_client_conn of at least ${need}`,
      fix: { config: { max_client_conn: need } },
    };
  }
  if (wanted > cap) {
    return {
      id: 'pooler-client-limit',
      severity: 'warning',
      title: `The pooler's max_client_conn ${limit} carries ${plural(cap, 'connection')} per instance, short of the ${wanted} ${sized.byConcurrency ? 'the demand with headroom asks for' : 'the preset asks for'}: raise max_client_conn in pgbouncer.ini`,
      observed: `max_client_conn ${limit} shared by ${instances} instance${instances === 1 ? '' : 's'}`,
      expected: `max_client_conn of at least ${need}, plus the admin and monitoring connections`,
      fix: { config: { max_client_conn: need } },
    };
  }
  return {
    id: 'pooler-client-limit',
    severity: 'ok',
    title: `${fleet}, within the pooler's max_client_conn ${limit}`,
    observed: fleet,
    expected: `at most ${limit}`,
  };
}
