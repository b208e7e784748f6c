/**
 * Every connection and pool pooltune has open, so that Ctrl-C or a signal can close them all before the
 * process ends: no pooltune session is left on the server, whatever path ends the run.
 */
type Closer = () => Promise<void>;

const open = new Set<Closer>();

/** Registers a closer; call the returned function once the thing is closed by its owner. */
export function track(close: Closer): () => void {
  open.add(close);
  return () => open.delete(close);
}

export function openCount(): number {
  return open.size;
}

/** Closes everything still open, giving up after `timeoutMs` so that a dead server cannot hold us. */
export async function closeAll(timeoutMs = 2000): Promise<void> {
  const closers = [...open];
  open.clear();
  await Promise.race([
    Promise.allSettled(closers.map((close) => close())),
    new Promise((resolve) => setTimeout(resolve, timeoutMs).unref()),
  ]);
}
