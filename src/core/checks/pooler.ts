/**
 * The pooler's family: the whole chain app → PgBouncer → PostgreSQL, from what PgBouncer's admin console
 * said, the server behind it and the plan's fleet in front of it.
 */
import { clientLimitCheck, sessionPoolCheck } from './pooler/client-limit.js';
import { serverConnectionsCheck } from './pooler/server-connections.js';
import { appTimeoutsCheck, queryTimeoutCheck, serverIdleCheck } from './pooler/timeouts.js';
import { transactionModeCheck } from './pooler/transaction-mode.js';
import { clientsWaitingCheck } from './pooler/waiting.js';
import { defineFamily } from './registry.js';

export const poolerChecks = defineFamily('pooler', [
  { id: 'pooler-server-connections', run: serverConnectionsCheck },
  { id: 'pooler-client-limit', run: clientLimitCheck },
  { id: 'pooler-session-pool', run: sessionPoolCheck },
  { id: 'pooler-clients-waiting', run: clientsWaitingCheck },
  { id: 'pooler-server-idle-timeout', run: serverIdleCheck },
  // Named after the first of the per-service timeout findings; it reports client_idle_timeout and query_wait_timeout.
  { id: 'pooler-client-idle-timeout', run: appTimeoutsCheck },
  { id: 'pooler-query-timeout', run: queryTimeoutCheck },
  { id: 'pooler-transaction-mode', run: transactionModeCheck },
]);
