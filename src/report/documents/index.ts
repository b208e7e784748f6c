import type { BenchReport } from '../bench-report.js';
import type { CheckServerReport } from '../check-server-report.js';
import type { ReportDocument } from '../document.js';
import type { HealthReport } from '../health-report.js';
import type { MonitorReport } from '../monitor-report.js';
import type { PreflightReport } from '../preflight-report.js';
import type { RecommendReport } from '../recommend-report.js';
import { benchDocument } from './bench.js';
import { checkServerDocument } from './check-server.js';
import { healthDocument } from './health.js';
import { monitorDocument } from './monitor.js';
import { preflightDocument } from './preflight.js';
import { recommendDocument } from './recommend.js';

/** Every command's report; `command` tells them apart. */
export type CommandReport =
  RecommendReport | CheckServerReport | HealthReport | PreflightReport | BenchReport | MonitorReport;

/** The document of any command's report. */
export function documentOf(report: CommandReport): ReportDocument {
  switch (report.command) {
    case 'recommend':
      return recommendDocument(report);
    case 'check-server':
      return checkServerDocument(report);
    case 'health':
      return healthDocument(report);
    case 'preflight':
      return preflightDocument(report);
    case 'bench':
      return benchDocument(report);
    case 'monitor':
      return monitorDocument(report);
  }
}
