import { UsageError } from '../core/errors.js';
import { exitCodeFor } from '../core/exit-codes.js';
import { recommendPool, type ValueSource } from '../core/sizing.js';
import { loadWorkload } from '../config/load-workload.js';
import { EMITTER_BY_NAME, type EmitterName } from '../report/emit/index.js';
import type { Input, RecommendReport } from '../report/recommend-report.js';
import { isInteractive, type Io } from '../ui/io.js';
import { renderOptions, verbose, type CommonOptions } from './common.js';

export interface RecommendOptions extends CommonOptions {
  readonly workload?: string;
  readonly concurrency?: number;
  readonly instances: number;
  readonly serverMaxConnections: number;
  readonly reservedConnections: number;
  readonly otherConnections: number;
  readonly emit: EmitterName;
  readonly interactive: boolean;
  /** Which of the inputs the user gave on the command line (the rest are defaults). */
  readonly given: ReadonlySet<
    | 'workload'
    | 'concurrency'
    | 'instances'
    | 'serverMaxConnections'
    | 'reservedConnections'
    | 'otherConnections'
  >;
}

const DEFAULT_EMITTER: EmitterName = 'eventcore';

async function withWizardAnswers(options: RecommendOptions, io: Io): Promise<RecommendOptions> {
  const wantsWizard = options.interactive || options.given.size === 0;
  if (!wantsWizard) return options;
  if (!isInteractive(io)) {
    if (options.interactive) {
      throw new UsageError(
        '--interactive needs a terminal; pass --workload (and --concurrency, --instances) instead',
      );
    }
    throw new UsageError(
      'recommend needs --workload <oltp|batch|microservice|file.json>; run it on a terminal without flags for the wizard',
    );
  }
  const { askRecommendInputs } = await import('../ui/prompts.js');
  const answers = await askRecommendInputs({
    ...(options.workload === undefined ? {} : { workload: options.workload }),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    instances: options.instances,
    serverMaxConnections: options.serverMaxConnections,
  });
  const given = new Set(options.given);
  given.add('workload').add('instances').add('serverMaxConnections');
  if (answers.concurrency !== undefined) given.add('concurrency');
  return { ...options, ...answers, given };
}

/** `pooltune recommend`: inputs → sizing → report; returns the exit code. */
export async function runRecommend(
  initial: RecommendOptions,
  io: Io,
  pooltuneVersion: string,
): Promise<number> {
  const options = await withWizardAnswers(initial, io);
  if (options.workload === undefined) {
    throw new UsageError('recommend needs --workload <oltp|batch|microservice|file.json>');
  }
  const preset = await loadWorkload(options.workload, io.cwd);
  await verbose(io, options, `workload ${preset.name} from ${preset.origin}`);

  const source = (key: Parameters<RecommendOptions['given']['has']>[0]): ValueSource =>
    options.given.has(key) ? 'flag' : 'default';
  const input = <T>(value: T, key: Parameters<RecommendOptions['given']['has']>[0]): Input<T> => ({
    value,
    source: source(key),
  });
  const budget = {
    maxConnections: options.serverMaxConnections,
    reservedConnections: options.reservedConnections,
    otherConnections: options.otherConnections,
    source: source('serverMaxConnections'),
  };
  const { recommendation, findings } = recommendPool({
    preset,
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    instances: options.instances,
    budget,
  });
  const exitCode = exitCodeFor(findings, options.failOn);
  const report: RecommendReport = {
    command: 'recommend',
    target: null,
    serverVersion: null,
    inputs: {
      workload: input(preset.name, 'workload'),
      workloadOrigin: preset.origin,
      concurrency: options.concurrency === undefined ? null : input(options.concurrency, 'concurrency'),
      instances: input(options.instances, 'instances'),
      serverMaxConnections: input(options.serverMaxConnections, 'serverMaxConnections'),
      reservedConnections: input(options.reservedConnections, 'reservedConnections'),
      otherConnections: input(options.otherConnections, 'otherConnections'),
    },
    recommendation,
    emitted: EMITTER_BY_NAME[options.emit ?? DEFAULT_EMITTER]({
      workload: preset.name,
      pool: recommendation.pool,
    }),
    findings,
    skipped: [],
    failOn: options.failOn,
    exitCode,
  };

  if (options.format === 'json') {
    const { renderRecommendJson } = await import('../report/json.js');
    await io.stdout.write(renderRecommendJson(report, pooltuneVersion));
  } else if (options.format === 'markdown') {
    const { renderRecommendMarkdown } = await import('../report/markdown.js');
    await io.stdout.write(renderRecommendMarkdown(report));
  } else {
    const [{ renderRecommendText }, render] = await Promise.all([
      import('../report/text.js'),
      renderOptions(io, options),
    ]);
    await io.stdout.write(renderRecommendText(report, render));
  }
  return exitCode;
}
