import {
  SESSION_PROBLEMS,
  sessionsBehind,
  worstAge,
  type SessionLimits,
  type SessionProblem,
} from '../sessions/judge.js';
import type { SessionRef, SessionRoster } from '../sessions/roster.js';

/** The sessions behind a problem in one sample, and when that sample was taken. */
export interface SeenSessions {
  readonly at: string;
  readonly sessions: readonly SessionRef[];
}

/** For each session problem, the sample where it was worst: monitor names those sessions in its findings. */
export type WorstSessions = Partial<Readonly<Record<SessionProblem, SeenSessions>>>;

/** Worse: an older worst session, or at the same age (or unknown) more sessions. */
function isWorse(problem: SessionProblem, candidate: readonly SessionRef[], kept: SeenSessions | undefined) {
  if (!kept) return true;
  const a = worstAge(problem, candidate) ?? -1;
  const b = worstAge(problem, kept.sessions) ?? -1;
  return a > b || (a === b && candidate.length > kept.sessions.length);
}

/** `kept` with this sample's sessions wherever they are worse than what was kept. */
export function keepWorstSessions(
  kept: WorstSessions,
  roster: SessionRoster,
  limits: SessionLimits,
  at: string,
): WorstSessions {
  const next: Partial<Record<SessionProblem, SeenSessions>> = { ...kept };
  for (const problem of SESSION_PROBLEMS) {
    const sessions = sessionsBehind(problem, roster, limits);
    if (sessions.length > 0 && isWorse(problem, sessions, kept[problem])) next[problem] = { at, sessions };
  }
  return next;
}
