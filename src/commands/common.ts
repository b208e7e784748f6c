import type { FailOn } from '../core/findings.js';
import { colorLevel, styleFor } from '../ui/color.js';
import type { Io } from '../ui/io.js';
import type { RenderOptions } from '../report/style.js';

export const FORMATS = ['text', 'json', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

/** Options every command takes. */
export interface CommonOptions {
  readonly format: Format;
  readonly failOn: FailOn;
  /** false with --no-color; undefined lets the environment decide. */
  readonly color?: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
}

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

/** The three renderings of one report; each is loaded only when asked for. */
export interface Renderers {
  readonly json: () => Promise<string>;
  readonly markdown: () => Promise<string>;
  readonly text: (render: RenderOptions) => Promise<string>;
}

/** Writes the report in the format asked for: one JSON document, markdown, or text for people. */
export async function writeReport(io: Io, options: CommonOptions, renderers: Renderers): Promise<void> {
  if (options.format === 'json') await io.stdout.write(await renderers.json());
  else if (options.format === 'markdown') await io.stdout.write(await renderers.markdown());
  else await io.stdout.write(await renderers.text(await renderOptions(io, options)));
}
