import type { ServerPlan } from '../core/checks/index.js';
import type { FailOn, Finding, IgnoredFinding, Skipped } from '../core/findings.js';

/** What check-server found, handed whole to each renderer. */
export interface CheckServerReport {
  readonly command: 'check-server';
  readonly target: string;
  readonly serverVersion: string;
  readonly server: {
    readonly role: string;
    readonly database: string;
    readonly maxConnections: number;
    readonly reservedConnections: number;
    readonly usableSlots: number;
    readonly clientConnections: number;
    readonly canSeeOtherSessions: boolean;
  };
  readonly plan: ServerPlan;
  readonly findings: readonly Finding[];
  readonly skipped: readonly Skipped[];
  readonly ignored: readonly IgnoredFinding[];
  readonly failOn: FailOn;
  readonly exitCode: number;
}

export interface SettingStatusRow {
  readonly name: string;
  readonly current: string;
  readonly recommended: string;
  readonly status: string;
}

/** One row per setting a finding is about, in check order. */
export function settingStatusRows(findings: readonly Finding[]): SettingStatusRow[] {
  const rows = new Map<string, SettingStatusRow>();
  for (const f of findings) {
    if (!f.setting || rows.has(f.setting.name)) continue;
    rows.set(f.setting.name, { ...f.setting, status: f.severity });
  }
  return [...rows.values()];
}

export function serverLine(report: CheckServerReport): string {
  const s = report.server;
  return `${report.target} · PostgreSQL ${report.serverVersion} · max_connections ${s.maxConnections}, ${s.reservedConnections} reserved, ${s.usableSlots} usable, ${s.clientConnections} client connections now`;
}
