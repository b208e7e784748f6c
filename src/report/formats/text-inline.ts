import { spansOf, type Inline, type Span, type Tone } from '../document.js';
import type { Style } from '../style.js';

/** The one mapping from marks to colours, so a severity looks the same in every text report. */
export function paint(style: Style, tone: Tone, text: string): string {
  switch (tone) {
    case 'ok':
      return style.green(text);
    case 'info':
      return style.cyan(text);
    case 'warning':
      return style.yellow(text);
    case 'critical':
      return style.red(style.bold(text));
    case 'skipped':
    case 'dim':
      return style.dim(text);
    case 'strong':
      return style.bold(text);
    case 'code':
      return text;
  }
}

// A sparkline leaves this many columns of its line to the words before it.
const SPARKLINE_ROOM = 70;

function spanText(span: Span, style: Style, width: number): string {
  if (typeof span === 'string') return span;
  if ('bars' in span) {
    return span.bars
      .slice(-Math.max(8, width - SPARKLINE_ROOM))
      .map(({ bar, tone }) => paint(style, tone, bar))
      .join('');
  }
  return paint(style, span.tone, span.text);
}

export function inlineText(inline: Inline, style: Style, width: number): string {
  return spansOf(inline)
    .map((span) => spanText(span, style, width))
    .join('');
}
