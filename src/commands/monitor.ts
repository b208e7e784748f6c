import { exitCodeFor } from '../core/exit-codes.js';
import { utilisationFrom } from '../core/health/utilisation.js';
import { evaluateMonitor, type MonitorContext } from '../core/monitor/findings.js';
import { sampleFrom, type MonitorReading, type MonitorSample } from '../core/monitor/sample.js';
import { summariseSamples } from '../core/monitor/summary.js';
import { majorVersion } from '../core/server-facts.js';
import type { MonitorReport, MonitorRun } from '../report/monitor-report.js';
import type { MonitorHeading } from '../report/monitor-text.js';
import { SIGNAL_EXIT_CODES, sleepUnlessStopped, stoppable, type StopSignal } from '../ui/interrupt.js';
import type { Io } from '../ui/io.js';
import { progressOn } from '../ui/progress.js';
import { renderOptions, verbose, writeReport, type CommonOptions } from './common.js';
import { resolveDatabase, type DatabaseOptions } from './database.js';

export interface MonitorOptions extends CommonOptions, DatabaseOptions {
  readonly intervalMs: number;
  /** undefined: until Ctrl-C. */
  readonly durationMs?: number;
  readonly idleInTransactionThresholdMs: number;
}

/** Where each sample goes while the run lasts: a redrawn view, a line, an NDJSON line, or a progress note. */
type SampleSink = (samples: readonly MonitorSample[]) => Promise<void>;

async function sampleSink(
  io: Io,
  options: MonitorOptions,
  heading: MonitorHeading,
  hasSessionCounters: boolean,
): Promise<{ sink: SampleSink; finish: () => Promise<void> }> {
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
      sink: async (samples) => {
        const last = samples[samples.length - 1];
        if (!last) return;
        if (line) await io.stdout.write(line(last));
        await progress.step(
          `${samples.length} sample${samples.length === 1 ? '' : 's'}, utilisation ${last.utilisationPercent} %`,
        );
      },
      finish: () => progress.done(),
    };
  }
  await io.stdout.write(text.renderMonitorHeading(heading, render.style));
  // A dumb terminal cannot move the cursor up: it gets the lines a pipe gets.
  if (!io.stdout.isTTY || io.env.TERM === 'dumb') {
    return {
      sink: async (samples) => {
        const last = samples[samples.length - 1];
        if (last) await io.stdout.write(text.renderSampleLine(last, render.style, heading.intervalMs < 1000));
      },
      finish: async () => {
        await io.stdout.write('\n');
      },
    };
  }
  // A terminal: redraw the view in place. Lines are kept shorter than the terminal so none wraps.
  let drawn = 0;
  const draw = async (samples: readonly MonitorSample[]) => {
    const width = render.width ?? 100;
    const lines = text.renderLiveView(
      heading,
      samples,
      summariseSamples(samples, heading.intervalMs, hasSessionCounters),
      render.style,
      width,
    );
    const up = drawn > 0 ? `\u001b[${drawn}F\u001b[J` : '';
    drawn = lines.length;
    await io.stdout.write(`${up}${lines.join('\n')}\n`);
  };
  await draw([]);
  return { sink: draw, finish: () => io.stdout.write('\n') };
}

/**
 * `pooltune monitor`: one read-only session samples the server every --interval until --duration or
 * Ctrl-C, then judges the whole run. A baseline reading is taken first, so that every sample, the first
 * included, carries the new sessions since the one before it.
 */
export async function runMonitor(options: MonitorOptions, io: Io, pooltuneVersion: string): Promise<number> {
  const db = resolveDatabase(options, io);
  const [{ openSession }, { collectServerFacts }, { readMonitorReading }] = await Promise.all([
    import('../probes/connect.js'),
    import('../probes/facts.js'),
    import('../probes/monitor.js'),
  ]);
  await verbose(io, options, `connecting to ${db.display} (from ${db.target.source})`);
  const opened = await openSession(db.target, db.sessionOptions);
  const samples: MonitorSample[] = [];
  let stoppedBy: MonitorRun['stoppedBy'] = 'duration';
  let context: MonitorContext;
  let serverVersion: string;
  let usableSlots: number;
  const startedWall = new Date();
  const started = performance.now();
  try {
    const facts = await collectServerFacts(opened.session);
    const utilisation = utilisationFrom(facts);
    serverVersion = facts.serverVersion;
    usableSlots = utilisation.usableSlots;
    context = {
      role: utilisation.role,
      canSeeOthers: utilisation.canSeeOthers,
      hasSessionCounters: majorVersion(facts) >= 14,
      idleInTransactionThresholdMs: options.idleInTransactionThresholdMs,
      idleInTransactionTimeoutMs: utilisation.idleInTransactionTimeoutMs,
    };
    const readingOptions = {
      canSeeOthers: context.canSeeOthers,
      hasSessionCounters: context.hasSessionCounters,
    };
    const heading: MonitorHeading = {
      target: db.display,
      serverVersion,
      intervalMs: options.intervalMs,
      durationMs: options.durationMs ?? null,
      usableSlots,
    };
    const { sink, finish } = await sampleSink(io, options, heading, context.hasSessionCounters);
    const stop = new AbortController();
    await stoppable(
      (signal: StopSignal) => {
        stoppedBy = signal;
        stop.abort();
      },
      async () => {
        let previous: MonitorReading = await readMonitorReading(opened.session, readingOptions);
        const baseline = previous.at;
        for (let slot = 1; ; slot++) {
          const offset = slot * options.intervalMs;
          if (options.durationMs !== undefined && offset > options.durationMs) break;
          await sleepUnlessStopped(baseline + offset - performance.now(), stop.signal);
          if (stop.signal.aborted) break;
          const current = await readMonitorReading(opened.session, readingOptions);
          samples.push(
            sampleFrom(previous, current, { seq: samples.length + 1, startedAt: baseline, usableSlots }),
          );
          previous = current;
          await sink(samples);
          // A reading that took longer than an interval skips the slots it overran instead of bunching up.
          slot = Math.max(slot, Math.floor((performance.now() - baseline) / options.intervalMs));
        }
      },
    );
    await finish();
  } finally {
    await opened.close();
  }

  const stats = summariseSamples(samples, options.intervalMs, context.hasSessionCounters);
  const { findings, skipped } = evaluateMonitor(stats, context);
  const signalled = stoppedBy !== 'duration';
  const exitCode =
    stoppedBy === 'duration' ? exitCodeFor(findings, options.failOn) : SIGNAL_EXIT_CODES[stoppedBy];
  if (signalled) {
    await io.stderr.write(
      `pooltune: stopped by ${stoppedBy} after ${samples.length} sample${samples.length === 1 ? '' : 's'}; connection closed\n`,
    );
  }
  const report: MonitorReport = {
    command: 'monitor',
    target: db.display,
    serverVersion,
    run: {
      intervalMs: options.intervalMs,
      durationMs: options.durationMs ?? null,
      startedAt: startedWall.toISOString(),
      wallMs: Math.round(performance.now() - started),
      stoppedBy,
    },
    stats,
    samples,
    findings,
    skipped,
    failOn: options.failOn,
    exitCode,
  };
  await writeReport(io, options, pooltuneVersion, async () =>
    (await import('../report/documents/monitor.js')).monitorDocument(report),
  );
  return exitCode;
}
