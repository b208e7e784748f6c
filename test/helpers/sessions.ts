import type { SessionRef, SessionRoster } from '../../src/core/sessions/roster.js';

/** A session as a privileged role sees it: idle in a transaction unless told otherwise. */
export function sessionRef({ pid, ...overrides }: Partial<SessionRef> & { pid: number }): SessionRef {
  return {
    pid,
    role: 'app',
    application: 'orders-api',
    clientAddress: '10.0.0.7',
    state: 'idle in transaction',
    transactionSeconds: 60,
    querySeconds: 60,
    stateSeconds: 60,
    waitEvent: 'Client:ClientRead',
    waitingOnLock: false,
    lockWaitSeconds: null,
    blockedBy: [],
    ...overrides,
  };
}

export function roster(sessions: readonly SessionRef[], canSeeOthers = true): SessionRoster {
  return { canSeeOthers, lockWaitStartKnown: true, sessions };
}
