/**
 * A rolling deploy starts new instances before it stops the old ones: for a while a service runs more
 * instances than it does at rest (Kubernetes' maxSurge). Its pools open their connections all the same, so
 * the fleet must fit the server with the surge, not only at rest.
 */

/** The deploy overlap: a share of each service's instances (rounded up, as maxSurge is), or a count. */
export type Surge =
  { readonly kind: 'percent'; readonly percent: number } | { readonly kind: 'count'; readonly count: number };

const PERCENT = /^\s*(\d{1,3}(?:\.\d{1,3})?)\s*%\s*$/;

/** "25%" or a whole number of extra instances; undefined for anything else. */
export function parseSurge(value: string | number): Surge | undefined {
  if (typeof value === 'number')
    return Number.isInteger(value) && value >= 0 ? { kind: 'count', count: value } : undefined;
  const percent = PERCENT.exec(value)?.[1];
  if (percent !== undefined) {
    const p = Number(percent);
    return p <= 100 ? { kind: 'percent', percent: p } : undefined;
  }
  if (/^\s*\d{1,6}\s*$/.test(value)) return { kind: 'count', count: Number(value) };
  return undefined;
}

/** A service's instances while a deploy overlaps old and new ones. */
export function instancesDuringDeploy(instances: number, surge: Surge): number {
  return surge.kind === 'count'
    ? instances + surge.count
    : instances + Math.ceil((instances * surge.percent) / 100);
}

/** "a 25 % surge" or "a surge of 2 instances". */
export function describeSurge(surge: Surge): string {
  return surge.kind === 'percent'
    ? `a ${surge.percent} % surge`
    : `a surge of ${surge.count} instance${surge.count === 1 ? '' : 's'}`;
}
