import { withFindingHints } from './hints.js';
import { summarize } from '../../core/findings.js';
import { sightingSummary } from '../../core/pooler/sighting.js';
import { code, dim, toned, type ReportDocument, type Section } from '../document.js';
import type { OneTargetReport, TargetEntry, TargetsReport } from '../targets-report.js';

/** How one target's report becomes its document (documentOf, which also gives its findings their hints). */
export type TargetDocument = (report: OneTargetReport) => ReportDocument;

function targetSections(entry: TargetEntry, document: ReportDocument | null): Section[] {
  const heading = `${entry.name}: ${entry.display}`;
  if (document === null)
    return [
      {
        heading,
        blocks: [
          { kind: 'paragraph', text: toned(`not checked: ${entry.error ?? 'not reached'}`, 'critical') },
        ],
        keepWhenQuiet: true,
      },
    ];
  // preflight's facts start with the target itself, which the heading already names.
  const facts = document.header.facts.filter((fact) => !fact.includes(entry.display));
  return [
    {
      heading: [heading, ...(facts.length > 0 ? [dim(` · ${facts.join(' · ')}`)] : [])],
      blocks: [],
      keepWhenQuiet: true,
    },
    ...document.sections.map((section) => ({
      ...section,
      ...(section.heading === undefined
        ? {}
        : { heading: [`${entry.name} · `, ...[section.heading].flat()] }),
    })),
  ];
}

function fleetSection(report: TargetsReport): Section[] {
  if (report.fleet === null) return [];
  return [
    {
      heading: "The plan's fleet on each target",
      blocks: [
        {
          kind: 'table',
          head: ['target', 'services', 'at rest', 'during a deploy', 'usable slots', 'status'],
          rows: report.fleet.map((row) => [
            row.target,
            String(row.services),
            String(row.atRest),
            String(row.duringDeploy),
            row.usableSlots === null ? dim('–') : code(String(row.usableSlots)),
            row.status === null ? dim('not judged') : toned(row.status, row.status),
          ]),
        },
      ],
      keepWhenQuiet: true,
    },
  ];
}

const TITLES: Readonly<Record<TargetsReport['command'], string>> = {
  'check-server': 'Server check',
  health: 'Health',
  preflight: 'Preflight',
};

/** "Server check of 3 targets": a section per target (its facts, then its own sections), the fleet, then every finding. */
export function targetsDocument(report: TargetsReport, documentOf: TargetDocument): ReportDocument {
  const documents = report.targets.map((entry) => (entry.report === null ? null : documentOf(entry.report)));
  const first = documents.find((d) => d !== null);
  const reached = documents.filter((d) => d !== null).length;
  // Each finding gets the hints its own target's chain calls for: no "add a pooler" where one is there.
  const throughPooler = new Map(report.targets.map((t) => [t.name, t.report?.pooler != null]));
  return withFindingHints(
    {
      envelope: report,
      header: {
        title: first?.header.title ?? TITLES[report.command],
        subject: `${report.targets.length} targets`,
        facts: [
          report.targets.map((t) => t.name).join(', '),
          reached === report.targets.length
            ? 'all reached'
            : `${reached} of ${report.targets.length} reached`,
        ],
      },
      sections: [
        ...report.targets.flatMap((entry, i) => targetSections(entry, documents[i] ?? null)),
        ...fleetSection(report),
      ],
      json: {
        body: {
          targets: report.targets.map((entry, i) => {
            const inner = entry.report;
            return {
              name: entry.name,
              target: entry.display,
              declaredRole: entry.declaredRole,
              reached: inner !== null,
              error: entry.error,
              serverVersion: inner?.serverVersion ?? null,
              pooler: inner?.pooler ? sightingSummary(inner.pooler) : null,
              // What the server says it is, beside the role the plan declared.
              topology: inner?.topology ?? null,
              provider: inner?.provider ?? null,
              ...(documents[i]?.json.body ?? {}),
              summary: summarize(
                report.findings.filter((f) => f.target === entry.name),
                report.skipped.filter((s) => s.target === entry.name),
              ),
              exitCode: inner?.exitCode ?? null,
            };
          }),
          fleet: report.fleet,
        },
      },
    },
    (f) => ({ pooler: throughPooler.get(f.target ?? '') === true }),
  );
}
