import { activityChecks } from './activity.js';
import { connectionChecks } from './connections.js';
import { memoryChecks } from './memory.js';
import { defineFamily } from './registry.js';
import { timeoutChecks } from './timeouts.js';

/** check-server's family: the server's settings and usage, from the facts collected once. */
export const serverChecks = defineFamily('server', [
  ...connectionChecks,
  ...timeoutChecks,
  ...memoryChecks,
  ...activityChecks,
]);
