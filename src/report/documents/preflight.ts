import { reached, type ReportDocument } from '../document.js';
import type { PreflightReport } from '../preflight-report.js';

/** The plan, then one list of findings from the server checks, the health probe and the plan checks. */
export function preflightDocument(report: PreflightReport): ReportDocument {
  const s = report.server;
  const needed = report.plan.reduce((n, r) => n + r.total, 0);
  return {
    envelope: report,
    header: {
      title: 'Preflight',
      subject: report.configFile,
      facts: [
        report.target,
        ...reached(report),
        `max_connections ${s.maxConnections}, ${s.reservedSlots} reserved, ${s.usableSlots} usable, ${s.heldNow} held now`,
        `the plan needs ${needed}`,
      ],
    },
    sections: [
      {
        blocks: [
          {
            kind: 'table',
            head: ['service', 'workload', 'instances', 'pool max', 'connections'],
            rows: report.plan.map((r) => [
              r.service,
              r.workload,
              String(r.instances),
              String(r.poolMax),
              String(r.total),
            ]),
          },
        ],
      },
    ],
    json: {
      body: {
        configFile: report.configFile,
        plan: report.plan,
        server: report.server,
        metrics: report.metrics,
      },
    },
  };
}
