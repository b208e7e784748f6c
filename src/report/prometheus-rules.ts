/**
 * A Prometheus rules file from alert groups. The file's shape is fixed and small (groups → rules → a few
 * string fields), so it is written here rather than with a YAML library: every string is a double-quoted
 * scalar written by JSON.stringify, whose escapes YAML's double-quoted style shares, so no value (a `:` or a
 * `{{ }}` in a description, a quote in an expression) can change the file's structure.
 */
import type { AlertGroup } from '../core/alerts/rules.js';

const quote = (text: string) => JSON.stringify(text);

/** The rules file as YAML, with a comment saying what made it and what each source cannot alert on. */
export function renderRulesYaml(groups: readonly AlertGroup[], header: readonly string[]): string {
  // A line break in a header line (a plan's ignore reason) would end the comment: each piece is a comment of its own.
  const lines: string[] = header
    .flatMap((line) => line.split(/\r\n|[\n\r\u2028\u2029]/))
    .map((line) => `# ${line}`);
  lines.push('groups:');
  for (const group of groups) {
    for (const note of group.notes) lines.push(`  # ${note}`);
    lines.push(`  - name: ${quote(group.name)}`);
    if (group.rules.length === 0) {
      lines.push('    rules: []');
      continue;
    }
    lines.push('    rules:');
    for (const rule of group.rules) {
      lines.push(
        `      - alert: ${quote(rule.alert)}`,
        `        expr: ${quote(rule.expr)}`,
        `        for: ${quote(rule.for)}`,
        '        labels:',
        `          severity: ${quote(rule.severity)}`,
        `          finding: ${quote(rule.finding)}`,
        '        annotations:',
        `          summary: ${quote(rule.summary)}`,
        `          description: ${quote(rule.description)}`,
        `          fix: ${quote(rule.fix)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The same rules as JSON, which Prometheus also reads as a rules file (JSON is YAML). */
export function renderRulesJson(groups: readonly AlertGroup[]): string {
  const body = {
    groups: groups.map((group) => ({
      name: group.name,
      rules: group.rules.map((rule) => ({
        alert: rule.alert,
        expr: rule.expr,
        for: rule.for,
        labels: { severity: rule.severity, finding: rule.finding },
        annotations: { summary: rule.summary, description: rule.description, fix: rule.fix },
      })),
    })),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
