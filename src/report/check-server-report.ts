import type { ServerPlan } from '../core/checks/index.js';
import type { IgnoredFinding } from '../core/findings.js';
import type { ReportEnvelope } from './document.js';

/** What check-server found, handed whole to its document builder (documents/check-server.ts). */
export interface CheckServerReport extends ReportEnvelope {
  readonly command: 'check-server';
  readonly target: string;
  /** null when --db named a pooler's admin console: the pooler is judged alone. */
  readonly serverVersion: string | null;
  readonly server: null | {
    readonly role: string;
    readonly database: string;
    readonly maxConnections: number;
    readonly reservedConnections: number;
    readonly usableSlots: number;
    readonly clientConnections: number;
    readonly canSeeOtherSessions: boolean;
  };
  readonly plan: ServerPlan;
  readonly ignored: readonly IgnoredFinding[];
}
