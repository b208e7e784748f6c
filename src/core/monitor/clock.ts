/** `2026-11-26T17:03:12.345Z` → `17:03:12`, or `17:03:12.3` with tenths (UTC, as the samples carry it). */
export function clockTime(iso: string | null, tenths = false): string {
  return iso ? iso.slice(11, tenths ? 21 : 19) : '?';
}
