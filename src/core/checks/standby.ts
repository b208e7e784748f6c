/**
 * The standby family: on a hot standby, its replay (paused, behind, not streaming) and the conflicts its
 * queries meet; on any server, the standbys streaming from it. Judged from the facts read once.
 */
import { defineFamily } from './registry.js';
import { attachedStandbysCheck } from './standby/attached.js';
import { feedbackCheck, streamingDelayCheck } from './standby/conflicts.js';
import { replayLagCheck, replayPausedCheck, walReceiverCheck } from './standby/replay.js';

export const standbyChecks = defineFamily('standby', [
  { id: 'standby-replay-paused', run: replayPausedCheck },
  { id: 'standby-replay-lag', run: replayLagCheck },
  { id: 'standby-wal-receiver', run: walReceiverCheck },
  { id: 'standby-streaming-delay', run: streamingDelayCheck },
  { id: 'standby-feedback', run: feedbackCheck },
  { id: 'standbys-attached', run: attachedStandbysCheck },
]);
