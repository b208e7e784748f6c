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

type Builders = {
  readonly [C in CommandReport['command']]: (
    report: Extract<CommandReport, { command: C }>,
  ) => ReportDocument;
};

const BUILDERS: Builders = {
  recommend: recommendDocument,
  'check-server': checkServerDocument,
  health: healthDocument,
  preflight: preflightDocument,
  bench: benchDocument,
  monitor: monitorDocument,
};

/** The document of any command's report. */
export function documentOf(report: CommandReport): ReportDocument {
  // TypeScript cannot tie the builder looked up by `command` to the report's own type.
  return (BUILDERS[report.command] as (report: CommandReport) => ReportDocument)(report);
}
