/** How many requests took up to `upToMs` (and more than the bin before): one bar of a distribution. */
export interface HistogramBin {
  readonly upToMs: number;
  readonly count: number;
}

// A fixed grid of bin edges, ten per decade from 1 µs to 100 s: at most 81 bins whatever the run's length,
// and two runs' histograms share their edges, so that a comparison overlays them bar for bar.
const PER_DECADE = 10;
const LOWEST_MS = 0.001;
const LAST_INDEX = 8 * PER_DECADE;

const edge = (index: number) => Number((LOWEST_MS * 10 ** (index / PER_DECADE)).toPrecision(3));

function binIndex(ms: number): number {
  if (!(ms > LOWEST_MS)) return 0;
  // The small tolerance keeps a value that is exactly an edge in the bin it closes.
  const index = Math.ceil(Math.log10(ms / LOWEST_MS) * PER_DECADE - 1e-9);
  return Math.min(LAST_INDEX, index);
}

/**
 * The distribution of samples in ms on a log grid, from the first bin with a sample to the last (empty
 * bins between are kept, at 0). The last bin also holds anything beyond 100 s.
 */
export function histogramOf(samples: ArrayLike<number>): HistogramBin[] {
  const counts = new Map<number, number>();
  for (let i = 0; i < samples.length; i++) {
    const index = binIndex(samples[i] ?? 0);
    counts.set(index, (counts.get(index) ?? 0) + 1);
  }
  if (counts.size === 0) return [];
  const indices = [...counts.keys()];
  const first = Math.min(...indices);
  const last = Math.max(...indices);
  const bins: HistogramBin[] = [];
  for (let index = first; index <= last; index++)
    bins.push({ upToMs: edge(index), count: counts.get(index) ?? 0 });
  return bins;
}
