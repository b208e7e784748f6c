import { EXIT_CODE } from '../core/exit-codes.js';
import { InvalidArgumentError } from 'commander';
import { readCommon, type CommonOptions } from '../cli/flags/common.js';
import type { CommandDeclaration } from '../cli/declaration.js';
import { readSessionFlags, THRESHOLD_OPTIONS } from '../cli/flags/sessions.js';
import {
  ALERT_SOURCES,
  alertGroups,
  type AlertSource,
  type AlertThresholds,
  type DroppedRule,
} from '../core/alerts/rules.js';
import { echo } from '../core/echo.js';
import { planAskedOrFound } from '../pipeline/plan.js';
import { renderRulesJson, renderRulesYaml } from '../report/prometheus-rules.js';
import type { Io } from '../ui/io.js';

export interface AlertsOptions extends CommonOptions, AlertThresholds {
  /** The sources to write rules for, each once, in the order given. */
  readonly sources: readonly AlertSource[];
  readonly config?: string;
}

const SOURCE_CHOICES = [...ALERT_SOURCES, 'all'] as const;

/** --source, given once or more; `all` is every source. */
function addSource(text: string, previous: readonly AlertSource[] | undefined): AlertSource[] {
  const asked = text === 'all' ? ALERT_SOURCES : [text];
  const known = asked.filter((s): s is AlertSource => (ALERT_SOURCES as readonly string[]).includes(s));
  if (known.length !== asked.length)
    throw new InvalidArgumentError(`Allowed choices are ${SOURCE_CHOICES.join(', ')}.`);
  return [...new Set([...(previous ?? []), ...known])];
}

/** The file's opening comment: what wrote it, with which thresholds, and what the plan left out. */
function header(options: AlertsOptions, dropped: readonly DroppedRule[]): string[] {
  const lines = [
    "Prometheus alerting rules: the PostgreSQL pool tuning guide's thresholds, written by pooltune alerts.",
    `Thresholds: idle in transaction ${options.idleInTransactionMs / 1000}s, long query ${options.longQueryMs / 1000}s, long transaction ${options.longTransactionMs / 1000}s.`,
  ];
  for (const d of dropped)
    lines.push(`Left out ${d.alert}: the plan ignores ${d.finding} (${echo(d.reason)}).`);
  return lines;
}

/** `pooltune alerts`: no server is read; the rules go to stdout, or to --output. */
async function runAlerts(options: AlertsOptions, io: Io): Promise<number> {
  const plan = await planAskedOrFound(options.config, io);
  const { groups, dropped } = alertGroups(options.sources, options, plan?.ignore ?? []);
  const content =
    options.format === 'json' ? renderRulesJson(groups) : renderRulesYaml(groups, header(options, dropped));
  const count = groups.reduce((sum, g) => sum + g.rules.length, 0);
  if (options.output === undefined) await io.stdout.write(content);
  else {
    const { writeReportFile } = await import('../ui/report-files.js');
    await writeReportFile(options.output, content, io.cwd);
    if (!options.quiet) await io.stdout.write(`pooltune: wrote ${count} alert rules to ${options.output}\n`);
  }
  if (options.verbose || options.format === 'json')
    for (const d of dropped)
      await io.stderr.write(`pooltune: left out ${d.alert}: the plan ignores ${d.finding}\n`);
  return EXIT_CODE.ok;
}

export const alerts: CommandDeclaration<AlertsOptions> = {
  offline: true,
  description: [
    "Print Prometheus alerting rules that apply the tuning guide's thresholds: slot utilisation",
    '(70 % warning, 85 % critical of the usable slots), connection churn, sessions idle in a',
    'transaction, long queries and transactions, lock waits, and clients waiting in PgBouncer with',
    'their longest wait. Each rule carries a summary, a description with the value, and the fix. Rules',
    "are written for pooltune's own metrics (monitor --listen), postgres_exporter, and",
    "prometheus-community's pgbouncer_exporter; the session thresholds come from the same flags as the",
    "checks', and a finding the plan ignores has no rule. No server is read.",
  ].join(' '),
  flags: (command) =>
    command
      .option(
        '--source <source>',
        `whose metrics the rules read: ${SOURCE_CHOICES.join(', ')}; give it more than once for several (default: all)`,
        addSource,
      )
      .addOption(THRESHOLD_OPTIONS.idleInTransaction('alert on'))
      .addOption(THRESHOLD_OPTIONS.longQuery('alert on'))
      .addOption(THRESHOLD_OPTIONS.longTransaction('alert on'))
      .option(
        '--config <file>',
        'a pool plan whose ignores apply (default: the nearest pooltune.config.json)',
      ),
  read: (command) => {
    const raw = command.opts<{ source?: AlertSource[]; config?: string }>();
    const common = readCommon(command);
    if (common.format !== 'text' && common.format !== 'json')
      command.error('error: alerts writes a rules file: --format text (YAML) or json');
    const { idleInTransactionThresholdMs, longQueryThresholdMs, longTransactionThresholdMs } =
      readSessionFlags(command);
    return {
      ...common,
      sources: raw.source ?? ALERT_SOURCES,
      ...(raw.config === undefined ? {} : { config: raw.config }),
      idleInTransactionMs: idleInTransactionThresholdMs,
      longQueryMs: longQueryThresholdMs,
      longTransactionMs: longTransactionThresholdMs,
    };
  },
  help: `
Output:
  A Prometheus rules file (YAML; --format json writes the same as JSON), on
  stdout or with --output to a file. Load it with rule_files in prometheus.yml
  and check it with promtool check rules. Each rule's labels carry severity and
  the pooltune finding id it matches; its annotations carry summary,
  description and fix.

Examples:
  pooltune alerts > pooltune-rules.yml
  pooltune alerts --source postgres-exporter --source pgbouncer-exporter -o rules.yml
  pooltune alerts --source pooltune --idle-in-transaction-threshold 2min`,
  run: runAlerts,
};
