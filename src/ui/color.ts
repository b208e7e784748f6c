import { plainStyle, type Style } from '../report/style.js';
import type { Io } from './io.js';

export type ColorLevel = 0 | 1 | 2 | 3;

/**
 * The one colour decision. chalk 5 ignores NO_COLOR and cli-table3 has its own colours, so neither
 * decides: `--no-color` > NO_COLOR > FORCE_COLOR > whether stdout is a terminal.
 */
export function colorLevel(io: Io, colorFlag: boolean | undefined): ColorLevel {
  if (colorFlag === false) return 0;
  const noColor = io.env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return 0;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    const level = Number(force);
    return level === 2 || level === 3 ? level : 1;
  }
  if (!io.stdout.isTTY || io.env.TERM === 'dumb') return 0;
  const colorterm = io.env.COLORTERM ?? '';
  if (colorterm === 'truecolor' || colorterm === '24bit') return 3;
  return (io.env.TERM ?? '').includes('256') ? 2 : 1;
}

/** A Style for the renderers; chalk is only loaded when colour is on. */
export async function styleFor(level: ColorLevel): Promise<Style> {
  if (level === 0) return plainStyle;
  const { Chalk } = await import('chalk');
  const chalk = new Chalk({ level });
  return {
    bold: (t) => chalk.bold(t),
    dim: (t) => chalk.dim(t),
    red: (t) => chalk.red(t),
    yellow: (t) => chalk.yellow(t),
    green: (t) => chalk.green(t),
    cyan: (t) => chalk.cyan(t),
  };
}
