import { InvalidArgumentError } from 'commander';
import {
  TRAFFIC_RANGES,
  countExpectation,
  parseCount,
  parseDecimal,
  type CountRange,
} from '../../core/numbers.js';
import { MEASURE_WINDOW, MONITOR_INTERVAL } from '../../core/guide.js';
import { parseSurge, type Surge } from '../../core/plan/surge.js';
import { parseListenAddress, type ListenAddress } from '../../core/metrics/listen.js';
import { DURATION_HELP, SIZE_HELP, formatDuration, parseDuration, parseSize } from '../../core/units.js';

// The parsers of flag values: each turns the text into a number or throws commander's InvalidArgumentError,
// whose message commander prints after the flag and the value.

export function count(range: CountRange) {
  return (text: string): number => {
    const value = parseCount(text, range);
    if (value === undefined) throw new InvalidArgumentError(`Expected ${countExpectation(range)}.`);
    return value;
  };
}

/** A deploy surge: a whole number of extra instances, or a share of them such as 25%. */
export function surgeValue(text: string): Surge {
  const surge = parseSurge(text);
  if (surge === undefined)
    throw new InvalidArgumentError(
      'Expected a whole number of extra instances, or a share up to 100% such as 25%.',
    );
  return surge;
}

/** A decimal such as 200 or 12.5; `above` excludes the range's minimum itself (a rate of 0 is no rate). */
export function decimal(range: CountRange, above = false) {
  return (text: string): number => {
    const value = parseDecimal(text, range);
    if (value === undefined || (above && value === range.min)) {
      const low = above ? `above ${range.min}` : `from ${range.min}`;
      throw new InvalidArgumentError(`Expected a number ${low} to ${range.max}, such as 200 or 12.5.`);
    }
    return value;
  };
}

export function percentile(text: string): number {
  const value = parseDecimal(text, TRAFFIC_RANGES.targetPercentile);
  if (value === undefined || value <= 0 || value >= 100)
    throw new InvalidArgumentError('Expected a percentile above 0 and below 100, such as 99 or 99.9.');
  return value;
}

export function measureWindow(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms < MEASURE_WINDOW.minMs || ms > MEASURE_WINDOW.maxMs)
    throw new InvalidArgumentError(
      // Examples from inside the range: the general ones (500ms) would be refused too.
      `Expected a duration from ${formatDuration(MEASURE_WINDOW.minMs)} to ${formatDuration(MEASURE_WINDOW.maxMs)}, such as 30s, 60s or 10min.`,
    );
  return Math.round(ms);
}

export function duration(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0 || ms > 86_400_000)
    throw new InvalidArgumentError(`Expected ${DURATION_HELP}, above 0 and at most 1d.`);
  // A timeout of 0 means "none" to pg; `0.1us` must not round to it.
  if (Math.round(ms) < 1) throw new InvalidArgumentError('Expected at least 1ms.');
  return Math.round(ms);
}

/** A duration that may be 0 (`--warmup 0`: no warm-up). */
export function durationOrZero(text: string): number {
  return /^\s*0+\s*$/.test(text) ? 0 : duration(text);
}

/** The monitor's sampling interval: a shorter one would measure pooltune more than the server. */
export function monitorInterval(text: string): number {
  const ms = duration(text);
  if (ms < MONITOR_INTERVAL.minMs)
    throw new InvalidArgumentError(`Expected at least ${formatDuration(MONITOR_INTERVAL.minMs)}.`);
  return ms;
}

/** monitor --listen's address. */
export function listenAddress(text: string): ListenAddress {
  const address = parseListenAddress(text);
  if (!address)
    throw new InvalidArgumentError(
      'Expected host:port (port 0 to 65535, 0 for any free port), such as 127.0.0.1:9187, [::1]:9187 or :9187.',
    );
  return address;
}

export function size(text: string): number {
  const bytes = parseSize(text);
  if (bytes === undefined || bytes <= 0) throw new InvalidArgumentError(`Expected ${SIZE_HELP}.`);
  return bytes;
}

// Tab, newline and carriage return are SQL whitespace; other control characters are never SQL.
// eslint-disable-next-line no-control-regex
const QUERY_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Whether a --query value holds a character no SQL text has. */
export function hasControlCharacter(query: string): boolean {
  return QUERY_CONTROL.test(query);
}
