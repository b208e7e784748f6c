/** Queueing models for connection pools: pure arithmetic, no I/O. */
export {
  erlangB,
  erlangC,
  offeredLoad,
  predictErlangC,
  type TrafficAtPool,
  type WaitPrediction,
} from './erlang-c.js';
export { predictEngset, type FiniteTrafficAtPool } from './engset.js';
