/**
 * What renderers may do with colour. The terminal decides (ui/color.ts) and hands one of these in, so
 * renderers stay pure and `plainStyle` output is byte-for-byte what a pipe or NO_COLOR gets.
 */
export interface Style {
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly red: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly green: (text: string) => string;
  readonly cyan: (text: string) => string;
}

const same = (text: string): string => text;

export const plainStyle: Style = { bold: same, dim: same, red: same, yellow: same, green: same, cyan: same };

export interface RenderOptions {
  readonly style: Style;
  /** Terminal width; renderers fall back to 100 columns when unknown. */
  readonly width?: number;
  readonly quiet?: boolean;
}
