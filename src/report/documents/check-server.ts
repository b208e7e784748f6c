import type { Finding } from '../../core/findings.js';
import type { CheckServerReport } from '../check-server-report.js';
import { code, reached, type ReportDocument, type Section } from '../document.js';

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

/** The server in one line, the settings table, then findings and hints. */
export function checkServerDocument(report: CheckServerReport): ReportDocument {
  const s = report.server;
  const rows = settingStatusRows(report.findings);
  const settings: Section = {
    heading: `Settings (judged for the ${report.plan.workload} workload)`,
    blocks: [
      {
        kind: 'table',
        head: ['setting', 'current', 'recommended', 'status'],
        rows: rows.map((r) => [r.name, code(r.current), code(r.recommended), r.status]),
      },
    ],
  };
  return {
    envelope: report,
    header: {
      // --db named a pooler's admin console: the pooler alone was checked.
      title: s ? 'Server check' : 'Pooler check',
      subject: report.target,
      facts: s
        ? [
            ...reached(report),
            `max_connections ${s.maxConnections}, ${s.reservedConnections} reserved, ${s.usableSlots} usable, ${s.clientConnections} other client connection${s.clientConnections === 1 ? '' : 's'} now`,
          ]
        : reached(report),
    },
    sections: rows.length > 0 ? [settings] : [],
    json: { body: { server: report.server, plan: report.plan, settings: rows } },
  };
}
