import type { Finding } from '../findings.js';
import { CHURN_PER_SECOND_LIMIT } from '../guide.js';

/** What a churn finding says, in the words of the command that measured it. */
export interface ChurnWords {
  /** The title when the rate is above the limit. */
  readonly busy: string;
  readonly observed: string;
  /** The title when it is not. */
  readonly calm: string;
}

/**
 * New sessions per second from others against the limit: above it, connections are not being reused.
 * Through a pooler the server's new sessions are mostly the pooler opening server connections (as its pools
 * fill, or to replace those its timeouts closed), so the finding says that instead, under its own id.
 */
export function churnFinding(perSecond: number, words: ChurnWords, throughPooler = false): Finding {
  if (throughPooler) return poolerChurnFinding(perSecond, words.observed);
  if (perSecond <= CHURN_PER_SECOND_LIMIT)
    return { id: 'connection-churn', severity: 'ok', title: words.calm };
  return {
    id: 'connection-churn',
    severity: 'warning',
    title: words.busy,
    observed: words.observed,
    expected: `fewer than ${CHURN_PER_SECOND_LIMIT} per second from pooled applications`,
  };
}

function poolerChurnFinding(perSecond: number, observed: string): Finding {
  const rate = `${Math.round(perSecond * 10) / 10} new server session${perSecond === 1 ? '' : 's'} per second`;
  if (perSecond <= CHURN_PER_SECOND_LIMIT) {
    return {
      id: 'pooler-server-churn',
      severity: 'ok',
      title: `Behind the pooler the server saw ${rate}: the pooler keeps its server connections`,
    };
  }
  return {
    id: 'pooler-server-churn',
    severity: 'info',
    title: `Behind the pooler the server saw ${rate}: the pooler opening server connections as its pools grow or replace the ones its timeouts closed, not clients failing to reuse theirs`,
    observed,
    expected: `fewer than ${CHURN_PER_SECOND_LIMIT} per second once the pools are warm: server_idle_timeout and server_lifetime long enough, min_pool_size for a floor`,
  };
}

export interface AbnormalEnds {
  readonly abandoned: number;
  readonly fatal: number;
  readonly killed: number;
}

/** Sessions abandoned, ended by a fatal error or killed; `title` gets their count and the breakdown. */
export function abnormalEndFindings(
  c: AbnormalEnds,
  title: (count: number, breakdown: string) => string,
): Finding[] {
  const count = c.abandoned + c.fatal + c.killed;
  if (count === 0) return [];
  const breakdown = `${c.abandoned} abandoned, ${c.fatal} fatal, ${c.killed} killed`;
  return [
    {
      id: 'sessions-ended-abnormally',
      severity: 'info',
      title: title(count, breakdown),
    },
  ];
}
