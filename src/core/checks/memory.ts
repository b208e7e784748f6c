import { plural } from '../plural.js';
import { formatSize } from '../units.js';
import { numericSetting, settingBytes } from '../server-facts.js';
import {
  CONNECTION_MEMORY_CRITICAL_PERCENT,
  CONNECTION_MEMORY_WARNING_PERCENT,
  MAINTENANCE_WORK_MEM_BYTES,
  MEMORY_PER_CONNECTION_BYTES,
  POSTGRES_DEFAULT_MAX_CONNECTIONS,
  WORK_MEM_BYTES,
  WORK_MEM_HIGH_BYTES,
} from '../guide.js';
import { serverSettingFix } from './fix.js';
import type { Check } from './registry.js';
import { outcome, type ServerRule } from './types.js';

const MB = 1024 ** 2;
export { MAINTENANCE_WORK_MEM_BYTES, MEMORY_PER_CONNECTION_BYTES, WORK_MEM_BYTES, WORK_MEM_HIGH_BYTES };

export const checkWorkMem: ServerRule = ({ facts }) => {
  const bytes = settingBytes(facts, 'work_mem');
  if (bytes === undefined) return outcome();
  const setting = { name: 'work_mem', current: formatSize(bytes), recommended: formatSize(WORK_MEM_BYTES) };
  if (bytes > WORK_MEM_HIGH_BYTES) {
    return outcome([
      {
        id: 'work-mem-high',
        severity: 'warning',
        title: `work_mem is ${formatSize(bytes)}: every sort or hash of every connection may take that much, so many connections can exhaust memory`,
        observed: formatSize(bytes),
        expected: `${formatSize(WORK_MEM_BYTES)} server-wide; raise it per session for the queries that need more`,
        fix: serverSettingFix(facts, 'work_mem', formatSize(WORK_MEM_BYTES)),
        setting,
      },
    ]);
  }
  return outcome([
    bytes < WORK_MEM_BYTES
      ? {
          id: 'work-mem-low',
          severity: 'info',
          title: `work_mem is ${formatSize(bytes)}, below the guide's ${formatSize(WORK_MEM_BYTES)}: sorts and hashes spill to disk sooner`,
          observed: formatSize(bytes),
          expected: formatSize(WORK_MEM_BYTES),
          fix: serverSettingFix(facts, 'work_mem', formatSize(WORK_MEM_BYTES)),
          setting,
        }
      : { id: 'work-mem', severity: 'ok', title: `work_mem is ${formatSize(bytes)}`, setting },
  ]);
};

export const checkMaintenanceWorkMem: ServerRule = ({ facts }) => {
  const bytes = settingBytes(facts, 'maintenance_work_mem');
  if (bytes === undefined) return outcome();
  const setting = {
    name: 'maintenance_work_mem',
    current: formatSize(bytes),
    recommended: `≥ ${formatSize(MAINTENANCE_WORK_MEM_BYTES)}`,
  };
  return outcome([
    bytes < MAINTENANCE_WORK_MEM_BYTES
      ? {
          id: 'maintenance-work-mem-low',
          severity: 'info',
          title: `maintenance_work_mem is ${formatSize(bytes)}, below the guide's ${formatSize(MAINTENANCE_WORK_MEM_BYTES)}: vacuum and index builds run slower`,
          observed: formatSize(bytes),
          expected: formatSize(MAINTENANCE_WORK_MEM_BYTES),
          fix: serverSettingFix(facts, 'maintenance_work_mem', formatSize(MAINTENANCE_WORK_MEM_BYTES)),
          setting,
        }
      : {
          id: 'maintenance-work-mem',
          severity: 'ok',
          title: `maintenance_work_mem is ${formatSize(bytes)}`,
          setting,
        },
  ]);
};

/** About 10MB per connection plus work_mem, times max_connections, against the server's memory. */
export const checkConnectionMemory: ServerRule = ({ facts, plan }) => {
  const max = numericSetting(facts, 'max_connections') ?? POSTGRES_DEFAULT_MAX_CONNECTIONS;
  const workMem = settingBytes(facts, 'work_mem') ?? WORK_MEM_BYTES;
  const claim = max * (MEMORY_PER_CONNECTION_BYTES + workMem);
  if (plan.serverMemoryBytes === undefined) {
    return outcome(
      [],
      [
        {
          id: 'connection-memory',
          reason: `SQL cannot see the host's memory; max_connections ${max} may claim about ${formatSize(Math.round(claim / MB) * MB)}`,
          enableWith: '--server-memory <size>, e.g. --server-memory 16GB',
        },
      ],
    );
  }
  const share = Math.round((claim / plan.serverMemoryBytes) * 100);
  const claimText = `${plural(max, 'connection')} × (${formatSize(MEMORY_PER_CONNECTION_BYTES)} + work_mem ${formatSize(workMem)}) ≈ ${formatSize(Math.round(claim / MB) * MB)}`;
  const severity =
    share > CONNECTION_MEMORY_CRITICAL_PERCENT
      ? 'critical'
      : share > CONNECTION_MEMORY_WARNING_PERCENT
        ? 'warning'
        : 'ok';
  return outcome([
    {
      id: 'connection-memory',
      severity,
      title:
        severity === 'ok'
          ? `Connections may claim about ${share} % of the server's ${formatSize(plan.serverMemoryBytes)}`
          : `Connections may claim about ${share} % of the server's ${formatSize(plan.serverMemoryBytes)}: a busy server can run out of memory`,
      observed: claimText,
      expected: `at most ${CONNECTION_MEMORY_WARNING_PERCENT} % of the server's memory, leaving room for shared_buffers and the OS cache`,
    },
  ]);
};

/** The server family's checks of the server's memory settings, in report order. */
export const memoryChecks: readonly Check<'server'>[] = [
  { id: 'work-mem', run: checkWorkMem },
  { id: 'maintenance-work-mem', run: checkMaintenanceWorkMem },
  { id: 'connection-memory', run: checkConnectionMemory },
];
