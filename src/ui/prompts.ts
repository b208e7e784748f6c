import { CancelledError } from '../core/errors.js';
import { POSTGRES_DEFAULT_MAX_CONNECTIONS } from '../core/guide.js';
import { COUNT_RANGES, countExpectation, parseCount, type CountRange } from '../core/numbers.js';
import { BUILTIN_WORKLOADS, DEFAULT_WORKLOAD } from '../core/workload.js';
import { EMITTERS, type EmitterName } from '../report/emit/types.js';

export interface RecommendAnswers {
  readonly workload: string;
  readonly concurrency?: number;
  readonly instances: number;
  readonly serverMaxConnections: number;
  readonly emit: EmitterName;
}

/** What the wizard asks besides the workload and the sizes, and how it checks a preset file. */
export interface RecommendWizardOptions {
  /** Not with --db: the server's own max_connections counts. */
  readonly askServerLimit: boolean;
  /** Not when --emit was given. */
  readonly askEmit: boolean;
  /** true, or why the preset file cannot be used (asked again then). */
  readonly checkPreset: (path: string) => Promise<true | string>;
}

const EMITTER_CHOICES: Readonly<Record<EmitterName, string>> = {
  eventcore: 'EventCore 2.x (Rust, sqlx pool)',
  'eventcore-0.1': 'EventCore 0.1 (PostgresConfigBuilder)',
  sqlx: 'sqlx PgPoolOptions (Rust)',
  'node-postgres': 'node-postgres pg.Pool (JavaScript)',
  hikari: 'HikariCP properties (Java)',
  json: 'JSON settings',
  env: 'environment variables (POOL_*, PGOPTIONS)',
  pgbouncer: 'pgbouncer.ini fragment for a PgBouncer in front of the server',
};

const WORKLOAD_CHOICES: Readonly<Record<(typeof BUILTIN_WORKLOADS)[number], string>> = {
  oltp: 'OLTP: many short, user-facing transactions',
  batch: 'batch: few long-running jobs',
  microservice: 'microservice: many small instances sharing one server',
};

function isPromptCancel(error: unknown): boolean {
  return error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError');
}

function validateCount(range: CountRange, optional: boolean) {
  return (text: string): true | string => {
    if (optional && text.trim() === '') return true;
    return parseCount(text, range) === undefined ? `Enter ${countExpectation(range)}.` : true;
  };
}

/** The `recommend` wizard. Callers check for a terminal first: inquirer reads EOF as a cancel. */
export async function askRecommendInputs(
  defaults: Partial<RecommendAnswers>,
  options: RecommendWizardOptions,
): Promise<RecommendAnswers> {
  const { select, input } = await import('@inquirer/prompts');
  try {
    let workload = await select({
      message: 'Workload',
      choices: [
        ...BUILTIN_WORKLOADS.map((name) => ({ name: WORKLOAD_CHOICES[name], value: name })),
        { name: 'my own preset file…', value: '' },
      ],
      default: defaults.workload ?? DEFAULT_WORKLOAD,
    });
    if (workload === '') {
      workload = await input({
        message: 'Preset file (.json)',
        // A path that cannot be used is asked again here, not found out after every other question.
        validate: async (t) => (t.trim() ? options.checkPreset(t.trim()) : 'Enter a path.'),
      });
    }
    const concurrencyText = await input({
      message: 'Expected concurrent requests per instance (empty: use the preset size)',
      default: defaults.concurrency === undefined ? '' : String(defaults.concurrency),
      validate: validateCount(COUNT_RANGES.concurrency, true),
    });
    const instancesText = await input({
      message: 'Application instances sharing the server',
      default: String(defaults.instances ?? 1),
      validate: validateCount(COUNT_RANGES.instances, false),
    });
    const serverText = options.askServerLimit
      ? await input({
          message: "The server's max_connections",
          default: String(defaults.serverMaxConnections ?? POSTGRES_DEFAULT_MAX_CONNECTIONS),
          validate: validateCount(COUNT_RANGES.serverMaxConnections, false),
        })
      : String(defaults.serverMaxConnections ?? POSTGRES_DEFAULT_MAX_CONNECTIONS);
    const emit = options.askEmit
      ? await select({
          message: 'Configuration code to print',
          choices: EMITTERS.map((name) => ({ name: EMITTER_CHOICES[name], value: name })),
          default: defaults.emit ?? 'eventcore',
        })
      : (defaults.emit ?? 'eventcore');
    const concurrency =
      concurrencyText.trim() === '' ? undefined : parseCount(concurrencyText, COUNT_RANGES.concurrency);
    return {
      workload: workload.trim(),
      ...(concurrency === undefined ? {} : { concurrency }),
      instances: parseCount(instancesText, COUNT_RANGES.instances) ?? 1,
      serverMaxConnections:
        parseCount(serverText, COUNT_RANGES.serverMaxConnections) ?? POSTGRES_DEFAULT_MAX_CONNECTIONS,
      emit,
    };
  } catch (error) {
    if (isPromptCancel(error)) throw new CancelledError('cancelled at the prompt');
    throw error;
  }
}

/** A yes/no question, "no" by default; a cancel (Ctrl-C) at the prompt is a cancel of the command. */
export async function askToConfirm(message: string): Promise<boolean> {
  const { confirm } = await import('@inquirer/prompts');
  try {
    return await confirm({ message, default: false });
  } catch (error) {
    if (isPromptCancel(error)) throw new CancelledError('cancelled at the prompt');
    throw error;
  }
}
