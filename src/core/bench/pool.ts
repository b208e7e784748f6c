import type { ConfiguredPool } from '../plan/config.js';
import { parseDuration } from '../units.js';
import { GUIDE_DEFAULTS } from '../guide.js';

const guideMs = (text: string): number => parseDuration(text) ?? 0;

/** What a pool gets for a setting that neither the base nor a flag gives: the guide's defaults. */
const DEFAULTS = {
  minConnections: GUIDE_DEFAULTS.minConnections,
  acquireTimeoutMs: guideMs(GUIDE_DEFAULTS.acquireTimeout),
  idleTimeoutMs: guideMs(GUIDE_DEFAULTS.idleTimeout),
  maxLifetimeMs: guideMs(GUIDE_DEFAULTS.maxLifetime),
};

/** The pool a bench run drives: the settings a pg.Pool can honour, and where they came from. */
export interface PoolUnderTest {
  /** A short name for tables: "pool-max 4", "api (plan)", "oltp recommendation". */
  readonly label: string;
  /** Where the settings came from, in words. */
  readonly origin: string;
  readonly maxConnections: number;
  readonly minConnections: number;
  readonly acquireTimeoutMs: number;
  readonly idleTimeoutMs: number | null;
  readonly maxLifetimeMs: number | null;
}

/** Flags that set pool settings directly; each wins over the recommendation or the plan service. */
export interface PoolOverrides {
  readonly maxConnections?: number;
  readonly minConnections?: number;
  readonly acquireTimeoutMs?: number;
  readonly idleTimeoutMs?: number;
  readonly maxLifetimeMs?: number;
}

/**
 * The base (a recommendation's pool, a plan service's pool, or none: the guide's defaults) with the
 * overrides on top. min never exceeds max: a smaller max given on its own pulls min down with it.
 */
export function poolUnderTest(
  label: string,
  origin: string,
  base: ConfiguredPool | undefined,
  overrides: PoolOverrides & { readonly maxConnections: number },
): PoolUnderTest;
export function poolUnderTest(
  label: string,
  origin: string,
  base: ConfiguredPool,
  overrides: PoolOverrides,
): PoolUnderTest;
export function poolUnderTest(
  label: string,
  origin: string,
  base: ConfiguredPool | undefined,
  overrides: PoolOverrides,
): PoolUnderTest {
  const maxConnections = overrides.maxConnections ?? base?.maxConnections ?? 1;
  const minConnections = Math.min(
    overrides.minConnections ?? base?.minConnections ?? DEFAULTS.minConnections,
    maxConnections,
  );
  return {
    label,
    origin,
    maxConnections,
    minConnections,
    acquireTimeoutMs: overrides.acquireTimeoutMs ?? base?.acquireTimeoutMs ?? DEFAULTS.acquireTimeoutMs,
    idleTimeoutMs:
      overrides.idleTimeoutMs ??
      (base?.idleTimeoutMs === undefined ? DEFAULTS.idleTimeoutMs : base.idleTimeoutMs),
    maxLifetimeMs:
      overrides.maxLifetimeMs ??
      (base?.maxLifetimeMs === undefined ? DEFAULTS.maxLifetimeMs : base.maxLifetimeMs),
  };
}
