import { PROVIDERS, type ProviderId, type ProviderMarks } from './catalogue.js';

/** What the probe found of the marks in catalogue.ts: names only, each present on the server. */
export interface ProviderMarkers {
  readonly roles: readonly string[];
  readonly functions: readonly string[];
  /** Prefixes (before the first dot) of the server's settings that are some provider's. */
  readonly settingPrefixes: readonly string[];
  readonly schemas: readonly string[];
}

/** The managed service a server runs on, and the marks that said so, for the header and JSON. */
export interface ProviderSighting {
  readonly id: ProviderId;
  readonly name: string;
  /** What was seen, in words: "rds.* settings", "rds_superuser role". */
  readonly evidence: readonly string[];
}

export const NO_MARKERS: ProviderMarkers = { roles: [], functions: [], settingPrefixes: [], schemas: [] };

// A role or function only the provider creates outweighs any number of setting prefixes, which any role
// can invent as placeholders.
const STRONG = 10;
const WEAK = 1;

interface Scored {
  readonly provider: ProviderMarks;
  readonly score: number;
  readonly evidence: readonly string[];
}

function score(provider: ProviderMarks, markers: ProviderMarkers): Scored {
  const roles = provider.roles.filter((r) => markers.roles.includes(r));
  const functions = provider.functions.filter((f) => markers.functions.includes(f));
  const prefixes = provider.settingPrefixes.filter((p) => markers.settingPrefixes.includes(p));
  const schemas = provider.id === 'heroku' ? markers.schemas.filter((s) => s === 'heroku_ext') : [];
  return {
    provider,
    score: (roles.length + functions.length) * STRONG + (prefixes.length + schemas.length) * WEAK,
    evidence: [
      ...prefixes.map((p) => `${p}.* settings`),
      ...functions.map((f) => `${f}() function`),
      ...roles.map((r) => `${r} role`),
      ...schemas.map((s) => `${s} schema`),
    ],
  };
}

/**
 * The provider the marks point to, or null for a server with none (self-hosted, or a provider pooltune
 * does not know). The highest score wins; a provider that refines another (Aurora over RDS) wins when
 * its own marks are seen at all, and its evidence includes the other's.
 */
export function detectProvider(markers: ProviderMarkers): ProviderSighting | null {
  const scored = PROVIDERS.map((p) => score(p, markers)).filter((s) => s.score > 0);
  if (scored.length === 0) return null;
  const refining = scored.find((s) => s.provider.refines !== undefined);
  const base = refining && scored.find((s) => s.provider.id === refining.provider.refines);
  if (refining && base) {
    return {
      id: refining.provider.id,
      name: refining.provider.name,
      evidence: [...base.evidence, ...refining.evidence],
    };
  }
  const best = scored.reduce((a, b) => (b.score > a.score ? b : a));
  return { id: best.provider.id, name: best.provider.name, evidence: best.evidence };
}

/** "Amazon RDS (rds.* settings, rds_superuser role)": the header's words. */
export function describeProvider(sighting: ProviderSighting): string {
  return `managed: ${sighting.name} (${sighting.evidence.join(', ')})`;
}
