import { CancelledError } from '../core/errors.js';
import { POSTGRES_DEFAULT_MAX_CONNECTIONS } from '../core/guide.js';
import { COUNT_RANGES, countExpectation, parseCount, type CountRange } from '../core/numbers.js';
import { BUILTIN_WORKLOADS, DEFAULT_WORKLOAD } from '../core/workload.js';

export interface RecommendAnswers {
  readonly workload: string;
  readonly concurrency?: number;
  readonly instances: number;
  readonly serverMaxConnections: number;
}

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
  options: { askServerLimit: boolean } = { askServerLimit: true },
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
        validate: (t) => (t.trim() ? true : 'Enter a path.'),
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
    const concurrency =
      concurrencyText.trim() === '' ? undefined : parseCount(concurrencyText, COUNT_RANGES.concurrency);
    return {
      workload: workload.trim(),
      ...(concurrency === undefined ? {} : { concurrency }),
      instances: parseCount(instancesText, COUNT_RANGES.instances) ?? 1,
      serverMaxConnections:
        parseCount(serverText, COUNT_RANGES.serverMaxConnections) ?? POSTGRES_DEFAULT_MAX_CONNECTIONS,
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
