import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAcquireTimeout, serverGone } from '../../src/probes/pool-errors.js';

// The texts are pg-pool's and pg's own (node_modules/pg-pool/index.js, pg/lib/client.js).
describe('pool errors', () => {
  it('count a new connection that outlasts the acquire timeout as a timeout, not a lost server', () => {
    const slowConnect = new Error('Connection terminated due to connection timeout');
    assert.equal(isAcquireTimeout(slowConnect), true);
    assert.equal(serverGone(slowConnect), false);
  });

  it('count waiting in the queue past the acquire timeout as a timeout', () => {
    const queued = new Error('timeout exceeded when trying to connect');
    assert.equal(isAcquireTimeout(queued), true);
    assert.equal(serverGone(queued), false);
  });

  it('still see a server that ended the connection, refused it or shut down as gone', () => {
    assert.equal(serverGone(new Error('Connection terminated unexpectedly')), true);
    assert.equal(
      serverGone(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
      true,
    );
    assert.equal(serverGone(Object.assign(new Error('terminating connection'), { code: '57P01' })), true);
    assert.equal(isAcquireTimeout(new Error('Connection terminated unexpectedly')), false);
  });
});
