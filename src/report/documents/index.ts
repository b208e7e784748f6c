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
import { targetsDocument } from './targets.js';
import { withFindingHints } from './hints.js';
import type { TargetsReport } from '../targets-report.js';

/** Every command's report; `command` tells them apart. */
export type CommandReport =
  | RecommendReport
  | CheckServerReport
  | HealthReport
  | PreflightReport
  | BenchReport
  | MonitorReport
  | TargetsReport;

type OneTargetReport = Exclude<CommandReport, TargetsReport>;

type Builders = {
  readonly [C in OneTargetReport['command']]: (
    report: Extract<OneTargetReport, { command: C }>,
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

/**
 * The document of any command's report. Every finding it shows, wherever it was judged, gets its hints here
 * from the finding → hint table (core/finding-hints.ts), so that every format shows the same advice.
 */
export function documentOf(report: CommandReport): ReportDocument {
  // A run over several targets hints each finding for its own target's chain.
  if ('several' in report) return targetsDocument(report, documentOf);
  // TypeScript cannot tie the builder looked up by `command` to the report's own type.
  const document = (BUILDERS[report.command] as (report: CommandReport) => ReportDocument)(report);
  // A pooler seen or named: advice to add one is left out.
  const chain = { pooler: document.envelope.pooler != null };
  return withFindingHints(document, () => chain);
}
