import type { FailOn, Finding, IgnoredFinding, Severity, Skipped } from '../core/findings.js';
import { describeSighting, type PoolerSighting } from '../core/pooler/sighting.js';
import { describeRole, type TopologyFacts } from '../core/topology/facts.js';
import { describeProvider, type ProviderSighting } from '../core/provider/detect.js';

/** The fields every command's report has; JSON writes them around the command's own fields. */
export interface ReportEnvelope {
  readonly command: string;
  readonly target: string | null;
  readonly serverVersion: string | null;
  /** The pooler between pooltune and the server; absent when the session went straight to PostgreSQL. */
  readonly pooler?: PoolerSighting | null | undefined;
  /** Primary or standby, as the server said; absent or null when no server was read. */
  readonly topology?: TopologyFacts | null | undefined;
  /** The managed service the server runs on (RDS, Cloud SQL…); null: none recognised; absent: no server read. */
  readonly provider?: ProviderSighting | null | undefined;
  readonly findings: readonly Finding[];
  readonly skipped: readonly Skipped[];
  /** Findings the config file ignores, with the reason; absent when there are none. */
  readonly ignored?: readonly IgnoredFinding[];
  readonly failOn: FailOn;
  readonly exitCode: number;
}

/**
 * How a piece of text is marked. Each format decides what a mark looks like: the text format colours
 * severities and dims asides, markdown puts `code` in backticks; the words are the same everywhere.
 */
export type Tone = Severity | 'skipped' | 'strong' | 'dim' | 'code';

/** A measure over time, one bar per sample, each marked with how the guide judges its value. */
export interface Sparkline {
  readonly bars: readonly { readonly bar: string; readonly tone: Severity }[];
}

/**
 * The most bars a report that flows as prose (markdown, HTML) shows of a sparkline: the last ones, a few
 * minutes at a sample a second, so that the line stays readable; the whole run is in the charts and JSON.
 */
export const SPARKLINE_MAX_BARS = 120;

export type Span = string | { readonly text: string; readonly tone: Tone } | Sparkline;
/** Text with marks: one span or several in a row. */
export type Inline = Span | readonly Span[];

// Array.isArray does not narrow a union with a readonly array; a guard of our own does.
const isSpanList = (inline: Inline): inline is readonly Span[] => Array.isArray(inline);

/** The spans of an inline, one or several. */
export function spansOf(inline: Inline): readonly Span[] {
  return isSpanList(inline) ? inline : [inline];
}

export const code = (text: string): Span => ({ text, tone: 'code' });
export const dim = (text: string): Span => ({ text, tone: 'dim' });
export const toned = (text: string, tone: Tone): Span => ({ text, tone });

/** A label with its value, for a two- or three-column listing; `status` is the middle column. */
export interface Pair {
  readonly label: string;
  readonly value: Inline;
  readonly status?: Severity | 'skipped';
}

/** One step of a derivation: what it computes, the formula, and the formula with the numbers in. */
export interface Step {
  readonly label: string;
  readonly formula: string;
  readonly result: string;
}

/** How a chart's numbers read: each format writes them in its own way (a share 0.05 as "5 %"). */
export type ChartUnit = 'ms' | 's' | 'share' | 'percent' | 'count' | 'per-second';

export interface ChartAxis {
  readonly label: string;
  readonly unit: ChartUnit;
  /** Log scale: waits that span several orders of magnitude. */
  readonly log?: boolean;
}

/** One line (or set of bars) of a chart: a value per x value, null where there is none. */
export interface ChartSeries {
  readonly label: string;
  readonly values: readonly (number | null)[];
  /** Which y axis: the left one unless `y2`. */
  readonly axis?: 'y' | 'y2';
  /** bars: a histogram's counts; step: a counter read at intervals; line otherwise. */
  readonly draw?: 'line' | 'bars' | 'step';
}

/** A value worth a line of its own: the target, the chosen size, a percentile, the peak. */
export interface ChartMark {
  /** `x`: a vertical line at that x value; `y`/`y2`: a horizontal one on that axis. */
  readonly on: 'x' | 'y' | 'y2';
  readonly value: number;
  readonly label: string;
  readonly tone?: Severity;
}

/** A range of the left y axis shaded by how the guide judges it (utilisation 70–85 % a warning). */
export interface ChartBand {
  readonly from: number;
  readonly to: number;
  readonly label: string;
  readonly tone: Severity;
}

/**
 * A picture of numbers the report has: series over shared x values, with marks and bands. Formats that
 * cannot draw leave it out (the numbers are in the report's own tables); HTML draws it with its table.
 */
export interface Chart {
  readonly title: string;
  readonly x: ChartAxis & { readonly values: readonly number[]; readonly time?: boolean };
  readonly y: ChartAxis;
  readonly y2?: ChartAxis;
  readonly series: readonly ChartSeries[];
  readonly marks?: readonly ChartMark[];
  readonly bands?: readonly ChartBand[];
}

export type Block =
  /** A sentence or two; `label` leads it ("Load: …"). */
  | { readonly kind: 'paragraph'; readonly text: Inline; readonly label?: string }
  | {
      readonly kind: 'table';
      readonly head: readonly string[];
      readonly rows: readonly (readonly Inline[])[];
    }
  /** Labels and values; `head` names the columns where a format draws them as a table. */
  | { readonly kind: 'pairs'; readonly head: readonly [string, string]; readonly rows: readonly Pair[] }
  | { readonly kind: 'steps'; readonly steps: readonly Step[] }
  | { readonly kind: 'code'; readonly language: string; readonly code: string }
  /** Asides, each led by `label` in the text format ("note: …"); left out of a quiet report. */
  | { readonly kind: 'notes'; readonly label: string; readonly items: readonly string[] }
  /** Findings that are shown but do not decide the exit code, with a note saying so. */
  | { readonly kind: 'findings'; readonly findings: readonly Finding[]; readonly note: string }
  /** Drawn by the HTML format only; the others leave it out. */
  | { readonly kind: 'chart'; readonly chart: Chart };

export interface Section {
  readonly heading?: Inline;
  readonly blocks: readonly Block[];
  /** Shown in a --quiet text report too (its notes still left out); other sections are not. */
  readonly keepWhenQuiet?: boolean;
}

/**
 * What the report is about: "Health of <subject> · <facts>" in text, "## pooltune health: <subject>" and
 * the facts in markdown.
 */
export interface Header {
  /** The text report's first word. */
  readonly title: string;
  /** The word between title and subject; "of" unless given. */
  readonly about?: string;
  readonly subject: string;
  readonly facts: readonly string[];
}

/**
 * The command's own JSON fields. `ndjson`: the report is the last line (`"type": "summary"`) of an NDJSON
 * stream whose earlier lines the command wrote as they happened, to stdout or, for --output, to the partial
 * file `spooledTo` that the summary then completes.
 */
export interface JsonPayload {
  readonly body: Readonly<Record<string, unknown>>;
  readonly ndjson?: { readonly spooledTo?: string };
}

/**
 * One command's report, ready for any format: the header, the sections, and the findings that close
 * every report (they live in the envelope). Formats render documents; they know no command.
 */
export interface ReportDocument {
  readonly envelope: ReportEnvelope;
  readonly header: Header;
  readonly sections: readonly Section[];
  readonly json: JsonPayload;
  /** What `--raw` prints in place of the report: the bare payload (recommend's emitted code), no markup. */
  readonly raw?: string;
}

/** "PostgreSQL 17.1", the fact every report about a server states. */
export function postgres(serverVersion: string): string {
  return `PostgreSQL ${serverVersion}`;
}

/**
 * The server, primary or standby, and the pooler pooltune reached it through when there was one: every
 * report's first facts.
 */
export function reached(
  envelope: Pick<ReportEnvelope, 'serverVersion' | 'pooler' | 'topology' | 'provider'>,
): string[] {
  // Without a server version only a pooler's console was read (check-server --db <console>).
  return [
    ...(envelope.serverVersion === null ? [] : [postgres(envelope.serverVersion)]),
    ...(envelope.topology ? [describeRole(envelope.topology)] : []),
    ...(envelope.provider ? [describeProvider(envelope.provider)] : []),
    ...(envelope.pooler ? [describeSighting(envelope.pooler)] : []),
  ];
}

export { plural } from '../core/plural.js';

/** Milliseconds to three significant places or so: 123, 12.3, 1.23 (`small` decimals under 10). */
export function ms(value: number, small = 2): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(small);
}
