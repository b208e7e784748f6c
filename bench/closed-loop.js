// The closed loop the bare-pool floors drive (bench/pg-pool-loop.js, bench/pg-pool-threads.js): `callers`
// each take a connection from `pool`, run SELECT 1 and give it back until `until` (performance.now()), as
// pooltune bench's closed loop does without any of its bookkeeping. Returns how many requests were done.
export async function closedLoop(pool, callers, until) {
  let done = 0;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() < until) {
        const client = await pool.connect();
        await client.query('SELECT 1');
        client.release();
        done += 1;
      }
    }),
  );
  return done;
}
