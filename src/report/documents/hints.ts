import { withHints, type Chain } from '../../core/finding-hints.js';
import type { Finding } from '../../core/findings.js';
import type { Block, ReportDocument } from '../document.js';

/**
 * The document with each finding's hints from the table, wherever it stands (the envelope, its ignored
 * findings, a findings block), as `chainOf` says its chain is: no "add a pooler" where one is there. One
 * target's document has one chain; a report over several asks each finding's target.
 */
export function withFindingHints(
  document: ReportDocument,
  chainOf: (finding: Finding) => Chain,
): ReportDocument {
  const { envelope } = document;
  const hinted = (f: Finding) => withHints(f, chainOf(f));
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
