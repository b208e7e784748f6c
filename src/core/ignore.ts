import type { Finding, IgnoredFinding } from './findings.js';
import type { IgnoreRule } from './plan/config.js';

/** Moves the findings the config file ignores aside, with the reason; `ok` findings are never moved. */
export function applyIgnores(
  findings: readonly Finding[],
  rules: readonly IgnoreRule[],
): { findings: Finding[]; ignored: IgnoredFinding[] } {
  const kept: Finding[] = [];
  const ignored: IgnoredFinding[] = [];
  for (const finding of findings) {
    const rule =
      finding.severity === 'ok'
        ? undefined
        : rules.find(
            (r) => r.id === finding.id && (r.service === undefined || r.service === finding.subject),
          );
    if (rule) ignored.push({ finding, reason: rule.reason });
    else kept.push(finding);
  }
  return { findings: kept, ignored };
}
