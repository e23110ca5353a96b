// realtime.js: browser client for the realtime wire protocol, version 1.1.
//
// ES modules with no dependencies. The client speaks WebSocket, Server-Sent
// Events (read with fetch so heartbeats are visible) and long-polling, falls
// back from one to the next when a transport cannot connect or stalls, climbs
// back to WebSocket when it works again, resumes from the latest cursor after
// every reconnect, surfaces gaps and never hands a handler the same message
// twice. The tabs of a browser share one connection (a SharedWorker running
// this file, or a leader tab).
//
//   import { connect } from './realtime/realtime.js';
//   const client = connect('/realtime');
//   client.on('state', ({ state }) => console.log(state));
//   client.subscribe('room:42', (msg) => console.log(msg.data), { since: 'earliest' });
//   await client.publish('room:42', { text: 'hi' });
//
// The pure pieces (backoff, URL building, cursor tracking, duplicate
// suppression, SSE parsing) are exported so they can be tested without a
// browser.

import { RealtimeClient } from './realtime-client.js';
import { serveSharedWorker } from './realtime-share.js';

export {
  VERSION,
  DEFAULT_TRANSPORTS,
  DEFAULT_OPTIONS,
  RealtimeError,
  isValidChannel,
  isValidEvent,
  computeBackoff,
  buildUrl,
  newIdempotencyKey,
} from './realtime-protocol.js';
export { DuplicateFilter, ResumeTracker } from './realtime-resume.js';
export { isValidPattern, matchesPattern } from './realtime-live.js';
export { SseParser } from './realtime-sse.js';
export { RealtimeClient };

/** Opens a client on the base URL (e.g. "/realtime" or "https://host/app/realtime"). */
export function connect(url, options) {
  return new RealtimeClient(url, options);
}

export default connect;

// Loaded as the shared worker of `share` mode: serve the tabs that connect.
const Scope = globalThis.SharedWorkerGlobalScope;
if (typeof Scope === 'function' && globalThis instanceof Scope) serveSharedWorker(globalThis);
