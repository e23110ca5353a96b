// The protocol's rules as the client needs them (names, errors, URLs, the
// poll call), the options and their defaults, backoff and idempotency keys.

/** The library version this client belongs to (package.json and the jar say the same). */
export const VERSION = '0.1.0-SNAPSHOT';

export const DEFAULT_TRANSPORTS = Object.freeze(['websocket', 'sse', 'longpoll']);
export const KNOWN_TRANSPORTS = new Set(DEFAULT_TRANSPORTS);
const CHANNEL_RE = /^[A-Za-z0-9_.:@/-]{1,128}$/;
const EVENT_RE = /^[A-Za-z0-9_.:-]{1,64}$/;
const RESERVED_EVENTS = new Set(['gap', 'error', 'open', 'close', 'heartbeat']);

/** Default options; every one can be overridden in `connect(url, options)`. */
export const DEFAULT_OPTIONS = Object.freeze({
  transports: DEFAULT_TRANSPORTS,
  connectTimeout: 10000, // a transport that is not open by then has failed
  heartbeatInterval: 15000, // the server's SSE heartbeat interval
  sseStallTimeout: undefined, // default: 2 x heartbeatInterval
  pingInterval: 25000, // WebSocket: send a ping frame after this long without a frame
  pingTimeout: 10000, // ... and give up if nothing arrives within this
  onlineCheckTimeout: 3000, // back online: a WebSocket believed open must answer a ping within this
  pollTimeout: 25000, // long-poll hold time asked of the server
  pollGrace: 10000, // extra time before a held poll counts as stalled
  reconnectDelay: 1000, // backoff base (an SSE `retry:` value replaces it)
  maxReconnectDelay: 30000,
  jitter: 0.5, // fraction of each delay that is random
  climbBack: true, // after falling back from WebSocket, try it again in the background and move back up
  climbBackDelay: 5000, // first try after this long on a lower transport, then doubling ...
  maxClimbBackDelay: 120000, // ... up to this
  publishTimeout: 10000, // WebSocket publish without ack
  publishRetries: 3, // HTTP publish retries on network errors, 429 and 5xx
  publishRetryDelay: 500, // backoff base between those retries
  dedupWindow: 1000, // ids remembered per channel (server history: 1,000)
  maxChannels: 64, // channels per connection (the server's realtime.channels.max); more are refused one by one
  anchor: true, // fetch a starting cursor for subscriptions without `since`
  withCredentials: false, // send cookies on cross-origin SSE / poll / publish
  share: true, // one connection for all tabs of this origin and base URL: true, false, 'worker' or 'leader'
  workerUrl: undefined, // the shared worker's script; default `{url}/realtime.js` as the server serves it
});

/** An error carrying a protocol error code (`invalid_channel`, `forbidden`, ...). */
export class RealtimeError extends Error {
  constructor(code, message, extra) {
    super(message || code);
    this.name = 'RealtimeError';
    this.code = code;
    if (extra) Object.assign(this, extra);
  }
}

/** A RealtimeError as plain data, to cross to another tab or a worker. */
export function errorToWire(e) {
  const err = e || {};
  return { code: err.code || 'error', message: err.message, status: err.status, channel: err.channel };
}

export function errorFromWire(w) {
  const extra = {};
  if (w.status !== undefined) extra.status = w.status;
  if (w.channel !== undefined) extra.channel = w.channel;
  return new RealtimeError(w.code, w.message, extra);
}

export function isValidChannel(name) {
  return typeof name === 'string' && CHANNEL_RE.test(name);
}

export function isValidEvent(name) {
  return typeof name === 'string' && EVENT_RE.test(name) && !RESERVED_EVENTS.has(name);
}

/**
 * Delay before reconnect attempt `attempt` (0 for the first): exponential
 * from `base`, capped at `max`; the `jitter` fraction of it is random.
 */
export function computeBackoff(attempt, { base = 1000, max = 30000, factor = 2, jitter = 0.5 } = {}, random = Math.random) {
  const n = Math.max(0, Math.floor(attempt) || 0);
  const capped = Math.min(max, base * Math.pow(factor, Math.min(n, 30)));
  const j = Math.min(1, Math.max(0, jitter));
  return Math.round(capped * (1 - j) + random() * capped * j);
}

/**
 * Builds `{base}{path}?params` resolved against `baseHref` (the page in a
 * browser). Array values repeat the parameter; null/undefined are left out.
 * With `websocket: true` the scheme becomes ws: or wss:.
 */
export function buildUrl(base, path, params = {}, { baseHref, websocket = false } = {}) {
  const href = baseHref !== undefined ? baseHref : globalThis.location && globalThis.location.href;
  const trimmed = String(base).replace(/\/+$/, '');
  const url = href ? new URL(trimmed + path, href) : new URL(trimmed + path);
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(v));
  }
  if (websocket) {
    if (url.protocol === 'http:') url.protocol = 'ws:';
    else if (url.protocol === 'https:') url.protocol = 'wss:';
  }
  return url.toString();
}

/** A random Idempotency-Key (`[A-Za-z0-9_.:-]`, 24 characters). */
export function newIdempotencyKey(random = Math.random) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let key = '';
  const c = globalThis.crypto;
  if (random === Math.random && c && typeof c.getRandomValues === 'function') {
    const bytes = c.getRandomValues(new Uint8Array(24));
    for (const b of bytes) key += alphabet[b % alphabet.length];
    return key;
  }
  for (let i = 0; i < 24; i++) key += alphabet[Math.floor(random() * alphabet.length) % alphabet.length];
  return key;
}

export async function errorFrom(response) {
  let code = `http_${response.status}`;
  let message = `HTTP ${response.status}`;
  try {
    const body = await response.json();
    if (body && typeof body.error === 'string') code = body.error;
    if (body && typeof body.message === 'string') message = body.message;
  } catch (_) {
    // not JSON: keep the status
  }
  return new RealtimeError(code, message, { status: response.status });
}

export function isRetryableStatus(status) {
  return status === 408 || status === 429 || status >= 500;
}

/** One `GET {base}/poll`: the parsed answer, or a RealtimeError with the server's code. */
export async function poll(fetch, base, channels, since, timeout, { baseHref, withCredentials, signal, live } = {}) {
  // protocol 1.1 always (patterns need it; a 1.0 server ignores it), with the connection's presence when given
  const url = buildUrl(base, '/poll', { channel: channels, since, timeout, ...(live || { v: '1.1' }) }, { baseHref });
  const response = await fetch(url, {
    method: 'GET',
    headers: { Accept: 'application/json' },
    cache: 'no-store',
    credentials: withCredentials ? 'include' : 'same-origin',
    signal,
  });
  if (!response.ok) throw await errorFrom(response);
  return response.json();
}

/**
 * Which of the wanted transports this host can run (WebSocket needs a
 * WebSocket class, the others fetch); throws `no_transport` when none.
 */
export function usableTransports(wanted, { fetch, WebSocket }) {
  const list = (wanted || DEFAULT_TRANSPORTS).filter((t) => {
    if (!KNOWN_TRANSPORTS.has(t)) return false;
    if (t === 'websocket') return typeof WebSocket === 'function';
    return typeof fetch === 'function';
  });
  if (list.length === 0) {
    throw new RealtimeError('no_transport', `none of the transports ${JSON.stringify(wanted)} is available`);
  }
  return list;
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
