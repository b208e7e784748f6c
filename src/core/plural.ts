/** A count with its noun, singular for exactly one: "1 connection", "2 connections", "0.5 connections". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
