import type { CommonOptions } from '../cli/flags/common.js';
import type { Format } from '../cli/flags/output.js';
import { UsageError } from '../core/errors.js';
import { colorLevel, styleFor } from '../ui/color.js';
import type { Io } from '../ui/io.js';
import type { ReportDocument } from '../report/document.js';
import type { CommandReport } from '../report/documents/index.js';
import { plainStyle, type RenderOptions } from '../report/style.js';

export async function renderOptions(io: Io, options: CommonOptions): Promise<RenderOptions> {
  const style = await styleFor(colorLevel(io, options.color));
  // A pseudo-terminal may report 0 columns; wrapping to that would put every word on its own line.
  const columns = io.stdout.columns ?? 0;
  return { style, width: columns >= 40 ? columns : 100, quiet: options.quiet };
}

/** Progress and diagnostics go to stderr, so that stdout stays one document. */
export async function verbose(io: Io, options: CommonOptions, message: string): Promise<void> {
  if (options.verbose) await io.stderr.write(`pooltune: ${message}\n`);
}

async function render(
  format: Format,
  document: ReportDocument,
  io: Io,
  options: CommonOptions,
  pooltuneVersion: string,
  forFile: boolean,
  runMs: number,
): Promise<string> {
  // Each format is loaded only when asked for: the text format brings cli-table3 with it.
  switch (format) {
    case 'json':
      return (await import('../report/formats/json.js')).renderJson(document, pooltuneVersion);
    case 'markdown':
      return (await import('../report/formats/markdown.js')).renderMarkdown(document);
    case 'html': {
      // The chart library (about 50 KB) is read only here, so that no other format's start-up pays for it.
      const [{ renderHtml }, { htmlAssets }] = await Promise.all([
        import('../report/formats/html.js'),
        import('../ui/html-assets.js'),
      ]);
      return renderHtml(document, pooltuneVersion, await htmlAssets());
    }
    case 'junit':
      return (await import('../report/formats/junit.js')).renderJunit(document.envelope, runMs);
    case 'github': {
      const [{ renderText }, { renderGithubAnnotations }] = await Promise.all([
        import('../report/formats/text.js'),
        import('../report/formats/github.js'),
      ]);
      const text = renderText(document, { ...(await renderOptions(io, options)), style: plainStyle });
      return `${text}${renderGithubAnnotations(document.envelope)}`;
    }
    case 'text':
      return (await import('../report/formats/text.js')).renderText(
        document,
        forFile ? { style: plainStyle, width: 100, quiet: options.quiet } : await renderOptions(io, options),
      );
  }
}

/**
 * Before a command runs: an --output file that could not be written fails now (exit 2), not after a long
 * measurement.
 */
export async function checkOutput(io: Io, options: CommonOptions): Promise<void> {
  if (options.output === undefined) return;
  await (await import('../ui/report-files.js')).checkReportFile(options.output, io.cwd);
}

/** Writes a command's report as its document (see writeDocument) and hands back the report's exit code. */
export async function writeReport(
  io: Io,
  options: CommonOptions,
  pooltuneVersion: string,
  report: CommandReport,
  runMs = 0,
): Promise<number> {
  const { documentOf } = await import('../report/documents/index.js');
  await writeDocument(io, options, pooltuneVersion, documentOf(report), runMs);
  return report.exitCode;
}

/**
 * --raw: the bare payload, byte for byte, so that `> pool.env` or `-o pool.env` is a file to use. The
 * findings that need attention still reach the terminal, on stderr, one line each.
 */
async function writeRaw(
  io: Io,
  options: CommonOptions,
  document: ReportDocument,
  raw: string,
  as: (format: Format, forFile: boolean) => Promise<string>,
): Promise<void> {
  if (options.output !== undefined) {
    const { writeReportFile } = await import('../ui/report-files.js');
    try {
      await writeReportFile(options.output, raw, io.cwd);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      await io.stdout.write(raw);
      throw new UsageError(`${error.message}; the code is on stdout instead`);
    }
    await io.stdout.write(await as('text', false));
    return;
  }
  await io.stdout.write(raw);
  for (const finding of document.envelope.findings) {
    if (finding.severity === 'warning' || finding.severity === 'critical')
      await io.stderr.write(`pooltune: ${finding.severity}: ${finding.title}\n`);
  }
}

/**
 * Writes a report: in --format on stdout, or with --output in --format to the file and as text on the
 * terminal. In GitHub Actions (--format github) the markdown report also goes to $GITHUB_STEP_SUMMARY.
 */
export async function writeDocument(
  io: Io,
  options: CommonOptions,
  pooltuneVersion: string,
  document: ReportDocument,
  /** How long the command ran, for the formats that report it (JUnit's `time`). */
  runMs = 0,
): Promise<void> {
  const as = (format: Format, forFile: boolean) =>
    render(format, document, io, options, pooltuneVersion, forFile, runMs);
  if (options.raw && document.raw !== undefined) return writeRaw(io, options, document, document.raw, as);
  // Loaded only when there is a file to write: fs/promises costs a start-up a few milliseconds.
  const files = () => import('../ui/report-files.js');
  if (options.output !== undefined) {
    const { writeReportFile, completeSpooledReport, spooledContent } = await files();
    const content = await as(options.format, true);
    // NDJSON whose lines were spooled into the file as they happened: the summary completes it.
    const spooledTo = options.format === 'json' ? document.json.ndjson?.spooledTo : undefined;
    try {
      if (spooledTo === undefined) await writeReportFile(options.output, content, io.cwd);
      else await completeSpooledReport(spooledTo, options.output, content, io.cwd);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      // The path was checked before the run; if the write fails anyway, what was measured goes to stdout,
      // in the format the file would have had, and the error (one line on stderr) decides the exit code.
      const whole = spooledTo === undefined ? content : `${await spooledContent(spooledTo)}${content}`;
      await io.stdout.write(options.format === 'text' ? await as('text', false) : whole);
      throw new UsageError(`${error.message}; the report is on stdout instead`);
    }
    await io.stdout.write(await as('text', false));
  } else {
    await io.stdout.write(await as(options.format, false));
  }
  const summary = io.env.GITHUB_STEP_SUMMARY;
  if (options.format === 'github' && summary)
    await (await files()).appendStepSummary(summary, await as('markdown', false));
}
