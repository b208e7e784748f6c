import type { CommonOptions } from '../cli/flags/common.js';
import type { Format } from '../cli/flags/output.js';
import { colorLevel, styleFor } from '../ui/color.js';
import type { Io } from '../ui/io.js';
import type { ReportEnvelope } from '../report/json.js';
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

/** The renderings of one report; each is loaded only when asked for. */
export interface Renderers {
  readonly envelope: ReportEnvelope;
  readonly json: () => Promise<string>;
  readonly markdown: () => Promise<string>;
  readonly text: (render: RenderOptions) => Promise<string>;
}

async function render(
  format: Format,
  renderers: Renderers,
  io: Io,
  options: CommonOptions,
  forFile: boolean,
): Promise<string> {
  switch (format) {
    case 'json':
      return renderers.json();
    case 'markdown':
      return renderers.markdown();
    case 'junit':
      return (await import('../report/junit.js')).renderJunit(renderers.envelope);
    case 'github': {
      const annotations = (await import('../report/github.js')).renderGithubAnnotations(renderers.envelope);
      const text = await renderers.text({ ...(await renderOptions(io, options)), style: plainStyle });
      return `${text}${annotations}`;
    }
    case 'text':
      return renderers.text(
        forFile ? { style: plainStyle, width: 100, quiet: options.quiet } : await renderOptions(io, options),
      );
  }
}

/**
 * Writes the report: in --format on stdout, or with --output in --format to the file and as text on the
 * terminal. In GitHub Actions (--format github) the markdown report also goes to $GITHUB_STEP_SUMMARY.
 */
export async function writeReport(io: Io, options: CommonOptions, renderers: Renderers): Promise<void> {
  // Loaded only when there is a file to write: fs/promises costs a start-up a few milliseconds.
  const files = () => import('../ui/report-files.js');
  if (options.output !== undefined) {
    const { writeReportFile } = await files();
    await writeReportFile(options.output, await render(options.format, renderers, io, options, true), io.cwd);
    await io.stdout.write(await render('text', renderers, io, options, false));
  } else {
    await io.stdout.write(await render(options.format, renderers, io, options, false));
  }
  const summary = io.env.GITHUB_STEP_SUMMARY;
  if (options.format === 'github' && summary)
    await (await files()).appendStepSummary(summary, await renderers.markdown());
}
