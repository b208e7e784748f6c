import type { BenchReport } from '../bench-report.js';
import type { CheckServerReport } from '../check-server-report.js';
import { withHints } from '../../core/finding-hints.js';
import type { Finding } from '../../core/findings.js';
import type { Block, ReportDocument } from '../document.js';
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
  return withFindingHints((BUILDERS[report.command] as (report: CommandReport) => ReportDocument)(report));
}

function withFindingHints(document: ReportDocument): ReportDocument {
  const { envelope } = document;
  // A pooler seen or named: advice to add one is left out.
  const chain = { pooler: envelope.pooler != null };
  const hinted = (f: Finding) => withHints(f, chain);
  const block = (b: Block): Block => (b.kind === 'findings' ? { ...b, findings: b.findings.map(hinted) } : b);
  return {
    ...document,
    envelope: {
      ...envelope,
      findings: envelope.findings.map(hinted),
      ...(envelope.ignored === undefined
        ? {}
        : { ignored: envelope.ignored.map((i) => ({ ...i, finding: hinted(i.finding) })) }),
    },
    sections: document.sections.map((section) => ({ ...section, blocks: section.blocks.map(block) })),
  };
}
