/**
 * Where monitor's samples go while a run lasts: the terminal's redrawn view, a line per sample for a pipe,
 * NDJSON on stdout, a progress note, and with --format json --output the report file, line by line.
 */
import { plural } from '../core/plural.js';
import type { MonitorSample } from '../core/monitor/sample.js';
import { summariseSamples, type MonitorSummary } from '../core/monitor/summary.js';
import type { MonitorHeading } from '../report/monitor-text.js';
import type { Io } from '../ui/io.js';
import { progressOn } from '../ui/progress.js';
import type { CommonOptions } from '../cli/flags/common.js';
import { renderOptions } from './output.js';

/** The run so far, as each sample leaves it: the sinks and the live view read this, never every sample. */
export interface RunSoFar {
  readonly last: MonitorSample;
  /** The last samples (RunRecord's recent), for the live view's sparkline. */
  readonly recent: readonly MonitorSample[];
  readonly summary: () => MonitorSummary;
}

/** Where each sample goes while the run lasts: a redrawn view, a line, an NDJSON line, or a progress note. */
type SampleSink = (run: RunSoFar) => Promise<void>;

/** What the terminal (or stdout) shows of each sample. */
interface SampleDisplay {
  readonly sink: SampleSink;
  /** After the last sample. */
  readonly finish: () => Promise<void>;
}

export interface SampleOutlet extends SampleDisplay {
  /** With --format json --output: the partial file the sample lines went to. */
  readonly spooledTo?: string;
  /** The run failed: nothing of it may take the --output file's place. */
  readonly discard: () => Promise<void>;
}

export const sampleCount = (n: number) => plural(n, 'sample');

async function sampleDisplay(
  io: Io,
  options: CommonOptions,
  heading: MonitorHeading,
): Promise<SampleDisplay> {
  const text = await import('../report/monitor-text.js');
  const render = await renderOptions(io, options);
  const streamingJson = options.format === 'json' && options.output === undefined;
  const textOnStdout = options.format === 'text' || options.output !== undefined;
  if (streamingJson || !textOnStdout || options.quiet) {
    // stdout holds one document (or NDJSON lines); a progress line goes to stderr when it is a terminal.
    const line = streamingJson
      ? (await import('../report/monitor-json.js')).renderMonitorSampleLine
      : undefined;
    const progress = progressOn(io, !options.quiet);
    return {
      sink: async ({ last }) => {
        if (line) await io.stdout.write(line(last));
        const pooler = !last.pooler
          ? ''
          : last.pooler.status === 'lost'
            ? ", pooler's console lost"
            : `, ${last.pooler.clientsWaiting} waiting in the pooler`;
        await progress.step(`${sampleCount(last.seq)}, utilisation ${last.utilisationPercent} %${pooler}`);
      },
      finish: () => progress.done(),
    };
  }
  await io.stdout.write(text.renderMonitorHeading(heading, render.style));
  // A dumb terminal cannot move the cursor up: it gets the lines a pipe gets.
  if (!io.stdout.isTTY || io.env.TERM === 'dumb') {
    return {
      sink: async ({ last }) => {
        await io.stdout.write(text.renderSampleLine(last, render.style, heading.intervalMs < 1000));
      },
      finish: async () => {
        await io.stdout.write('\n');
      },
    };
  }
  // A terminal: redraw the view in place. Lines are kept shorter than the terminal so none wraps.
  let drawn = 0;
  const draw = async (run: RunSoFar | undefined) => {
    const width = render.width ?? 100;
    const lines = text.renderLiveView(
      heading,
      run?.recent ?? [],
      run?.summary() ?? summariseSamples([], heading.intervalMs),
      render.style,
      width,
    );
    const up = drawn > 0 ? `\u001b[${drawn}F\u001b[J` : '';
    drawn = lines.length;
    await io.stdout.write(`${up}${lines.join('\n')}\n`);
  };
  await draw(undefined);
  return { sink: draw, finish: () => io.stdout.write('\n') };
}

/**
 * The display, and with --format json --output the file: each sample's line is appended to it as it is
 * taken (none is kept in memory), and the summary completes it at the end.
 */
export async function sampleSink(
  io: Io,
  options: CommonOptions,
  heading: MonitorHeading,
): Promise<SampleOutlet> {
  const display = await sampleDisplay(io, options, heading);
  if (options.format !== 'json' || options.output === undefined)
    return { ...display, discard: async () => undefined };
  const [{ openReportSpool }, { renderMonitorSampleLine }] = await Promise.all([
    import('../ui/report-files.js'),
    import('../report/monitor-json.js'),
  ]);
  const spool = await openReportSpool(options.output, io.cwd);
  return {
    sink: async (run) => {
      await spool.append(renderMonitorSampleLine(run.last));
      await display.sink(run);
    },
    finish: display.finish,
    spooledTo: spool.path,
    discard: spool.discard,
  };
}
