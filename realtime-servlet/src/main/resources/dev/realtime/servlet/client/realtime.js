// realtime.js: browser client for the realtime wire protocol, version 1.
//
// An ES module with no dependencies. It speaks WebSocket, Server-Sent Events
// (read with fetch so heartbeats are visible) and long-polling, falls back
// from one to the next when a transport cannot connect or stalls, resumes
// from the latest cursor after every reconnect, surfaces gaps and never hands
// a handler the same message twice.
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

export const DEFAULT_TRANSPORTS = Object.freeze(['websocket', 'sse', 'longpoll']);
const KNOWN_TRANSPORTS = new Set(DEFAULT_TRANSPORTS);
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
  publishTimeout: 10000, // WebSocket publish without ack
  publishRetries: 3, // HTTP publish retries on network errors, 429 and 5xx
  publishRetryDelay: 500, // backoff base between those retries
  dedupWindow: 1000, // ids remembered per channel (server history: 1,000)
  maxChannels: 64, // channels per connection (the server's realtime.channels.max); more are refused one by one
  anchor: true, // fetch a starting cursor for subscriptions without `since`
  withCredentials: false, // send cookies on cross-origin SSE / poll / publish
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

/**
 * Remembers the last `limit` message ids of each channel; `isDuplicate`
 * records the id and says whether it was already there.
 */
export class DuplicateFilter {
  constructor(limit = 1000) {
    this.limit = Math.max(1, limit);
    this.channels = new Map();
  }

  isDuplicate(channel, id) {
    if (id === undefined || id === null) return false;
    const key = String(id);
    let seen = this.channels.get(channel);
    if (!seen) {
      seen = new Set();
      this.channels.set(channel, seen);
    }
    if (seen.has(key)) return true;
    seen.add(key);
    if (seen.size > this.limit) seen.delete(seen.values().next().value);
    return false;
  }

  forget(channel) {
    this.channels.delete(channel);
  }
}

/**
 * Where to resume each subscribed channel from. A connection cursor covers
 * the channels that were live on the connection when it was issued; a
 * channel it does not cover keeps its own `since` (given by the user, fetched
 * as an anchor, or the older cursor that did cover it).
 */
export class ResumeTracker {
  constructor() {
    this.cursor = undefined;
    this.channels = new Map(); // channel -> { covered, since }
  }

  add(channel, since) {
    if (!this.channels.has(channel)) this.channels.set(channel, { covered: false, since });
  }

  remove(channel) {
    this.channels.delete(channel);
  }

  has(channel) {
    return this.channels.has(channel);
  }

  names() {
    return [...this.channels.keys()];
  }

  isCovered(channel) {
    const e = this.channels.get(channel);
    return !!(e && e.covered);
  }

  sinceOf(channel) {
    const e = this.channels.get(channel);
    if (!e) return undefined;
    return e.covered ? this.cursor : e.since;
  }

  /** A new connection cursor, covering exactly the channels in `live`. */
  update(cursor, live) {
    if (!cursor) return;
    const liveSet = live instanceof Set ? live : new Set(live);
    const previous = this.cursor;
    for (const [channel, e] of this.channels) {
      if (liveSet.has(channel)) {
        e.covered = true;
        e.since = undefined;
      } else if (e.covered) {
        e.covered = false;
        e.since = previous;
      }
    }
    this.cursor = cursor;
  }

  /** Per-channel position, used while the connection cursor does not cover it. */
  setSince(channel, since) {
    const e = this.channels.get(channel);
    if (e && !e.covered) e.since = since;
  }

  /** Forget every cursor (after `invalid_cursor`): channels restart at "now". */
  reset() {
    this.cursor = undefined;
    for (const e of this.channels.values()) {
      e.covered = false;
      e.since = undefined;
    }
  }

  /**
   * How to resume: `cursor` for the `covered` channels, and for every other
   * channel its own `since` (possibly undefined: start at "now").
   */
  plan() {
    const covered = [];
    const others = [];
    for (const [channel, e] of this.channels) {
      if (e.covered && this.cursor) covered.push(channel);
      else others.push({ channel, since: e.since });
    }
    return { cursor: covered.length ? this.cursor : undefined, covered, others };
  }
}

/**
 * Incremental `text/event-stream` parser (the WHATWG algorithm): feed it
 * decoded text in any chunks; it calls `onEvent({type, data, id})` (`id` only
 * when the event had its own `id:` line), `onRetry(ms)` and `onComment(text)`.
 */
export class SseParser {
  constructor({ onEvent, onRetry, onComment } = {}) {
    this.onEvent = onEvent || (() => {});
    this.onRetry = onRetry || (() => {});
    this.onComment = onComment || (() => {});
    this.buffer = '';
    this.skipLF = false;
    this.data = [];
    this.event = '';
    this.hasId = false;
    this.lastEventId = '';
  }

  feed(chunk) {
    let text = this.buffer + chunk;
    let start = 0;
    if (this.skipLF && text.length > 0) {
      if (text[0] === '\n') start = 1;
      this.skipLF = false;
    }
    for (let i = start; i < text.length; i++) {
      const ch = text[i];
      if (ch !== '\r' && ch !== '\n') continue;
      this._line(text.slice(start, i));
      if (ch === '\r') {
        if (i + 1 < text.length) {
          if (text[i + 1] === '\n') i++;
        } else {
          this.skipLF = true;
        }
      }
      start = i + 1;
    }
    this.buffer = text.slice(start);
  }

  _line(line) {
    if (line === '') {
      this._dispatch();
      return;
    }
    if (line[0] === ':') {
      this.onComment(line.slice(1));
      return;
    }
    const colon = line.indexOf(':');
    let field = line;
    let value = '';
    if (colon >= 0) {
      field = line.slice(0, colon);
      value = line.slice(colon + 1);
      if (value[0] === ' ') value = value.slice(1);
    }
    switch (field) {
      case 'data':
        this.data.push(value);
        break;
      case 'event':
        this.event = value;
        break;
      case 'id':
        if (!value.includes('\0')) {
          this.lastEventId = value;
          this.hasId = true;
        }
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) this.onRetry(parseInt(value, 10));
        break;
      default:
        break;
    }
  }

  _dispatch() {
    const hasId = this.hasId;
    const type = this.event || 'message';
    this.hasId = false;
    this.event = '';
    if (this.data.length === 0) return;
    const data = this.data.join('\n');
    this.data = [];
    this.onEvent({ type, data, id: hasId ? this.lastEventId : undefined });
  }
}

async function errorFrom(response) {
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

function isRetryableStatus(status) {
  return status === 408 || status === 429 || status >= 500;
}

// ---------------------------------------------------------------- transports

class WebSocketTransport {
  constructor(client) {
    this.name = 'websocket';
    this.client = client;
    this.live = new Set(); // channels the server confirmed with `subscribed`
    this.pending = new Map(); // publish ref -> { resolve, reject, timer }
    this.opened = false;
    this.closed = false;
    this.seq = 0;
  }

  start() {
    const c = this.client;
    const plan = c._tracker.plan();
    this.connectChannels = plan.cursor ? plan.covered : [];
    const params = plan.cursor ? { channel: plan.covered, since: plan.cursor } : {};
    const url = buildUrl(c.url, '/ws', params, { baseHref: c._baseHref, websocket: true });
    let ws;
    try {
      ws = new c._WebSocket(url);
    } catch (e) {
      setTimeout(() => this._fail({ opened: false, error: e }), 0);
      return;
    }
    this.ws = ws;
    this.connectTimer = setTimeout(() => this._fail({ opened: false, reason: 'connect timeout' }), c.options.connectTimeout);
    ws.onopen = () => this._onOpen();
    ws.onmessage = (ev) => this._onFrame(ev.data);
    ws.onerror = () => {}; // a close event follows
    ws.onclose = (ev) => this._fail({ opened: this.opened, code: ev && ev.code, fromSocket: true });
  }

  _onOpen() {
    if (this.closed) return;
    clearTimeout(this.connectTimer);
    this.opened = true;
    const c = this.client;
    const atConnect = new Set(this.connectChannels);
    for (const channel of c._tracker.names()) {
      if (!atConnect.has(channel)) this._send({ type: 'subscribe', channel, since: c._tracker.sinceOf(channel) });
    }
    for (const channel of atConnect) {
      if (!c._tracker.has(channel)) this._send({ type: 'unsubscribe', channel });
    }
    this._armIdle();
    c._transportOpen(this);
  }

  _send(frame) {
    if (!this.ws || this.ws.readyState !== 1) return false;
    const clean = {};
    for (const [k, v] of Object.entries(frame)) if (v !== undefined) clean[k] = v;
    this.ws.send(JSON.stringify(clean));
    return true;
  }

  /**
   * Back online with a socket believed open: it may have died silently while
   * offline, so a ping must be answered soon or the transport reconnects.
   */
  check() {
    if (!this.opened || this.closed) return;
    clearTimeout(this.idleTimer);
    this._send({ type: 'ping' });
    this.idleTimer = setTimeout(() => this._fail({ opened: true, stalled: true }), this.client.options.onlineCheckTimeout);
  }

  _armIdle() {
    const o = this.client.options;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this._send({ type: 'ping' });
      this.idleTimer = setTimeout(() => this._fail({ opened: true, stalled: true }), o.pingTimeout);
    }, o.pingInterval);
  }

  _onFrame(text) {
    if (this.closed) return;
    this._armIdle();
    let f;
    try {
      f = JSON.parse(text);
    } catch (_) {
      return;
    }
    if (!f || typeof f !== 'object') return;
    const c = this.client;
    switch (f.type) {
      case 'message': {
        const { type, cursor, ...message } = f;
        if (cursor) c._tracker.update(cursor, this.live);
        c._deliver(message);
        break;
      }
      case 'subscribed':
        this.live.add(f.channel);
        break;
      case 'unsubscribed':
        this.live.delete(f.channel);
        break;
      case 'gap':
        c._gap(f.channel);
        break;
      case 'ack': {
        const p = this.pending.get(f.ref);
        if (p) {
          this.pending.delete(f.ref);
          clearTimeout(p.timer);
          p.resolve({ channel: f.channel, id: f.id });
        }
        break;
      }
      case 'error': {
        const err = new RealtimeError(f.code || 'error', f.message, { channel: f.channel, ref: f.ref });
        const p = f.ref !== undefined ? this.pending.get(f.ref) : undefined;
        if (p) {
          this.pending.delete(f.ref);
          clearTimeout(p.timer);
          p.reject(err);
          break;
        }
        if (f.code === 'invalid_cursor' && f.channel && c._tracker.has(f.channel)) {
          // the stored position was refused: start that channel at "now"
          c._tracker.setSince(f.channel, undefined);
          this._send({ type: 'subscribe', channel: f.channel });
        }
        c._emitError(err);
        break;
      }
      default:
        break; // pong and anything newer
    }
  }

  addChannel(channel) {
    this._send({ type: 'subscribe', channel, since: this.client._tracker.sinceOf(channel) });
  }

  removeChannel(channel) {
    this.live.delete(channel);
    this._send({ type: 'unsubscribe', channel });
  }

  canPublish() {
    return this.opened && !this.closed && this.ws && this.ws.readyState === 1;
  }

  publish(channel, event, data, idempotencyKey) {
    const ref = `p${++this.seq}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending.delete(ref)) reject(new RealtimeError('timeout', 'no ack for the publish'));
      }, this.client.options.publishTimeout);
      this.pending.set(ref, { resolve, reject, timer });
      if (!this._send({ type: 'publish', ref, channel, event, data, idempotencyKey })) {
        this.pending.delete(ref);
        clearTimeout(timer);
        reject(new RealtimeError('connection_lost', 'the WebSocket is not open'));
      }
    });
  }

  _cleanup(code, reason) {
    this.closed = true;
    clearTimeout(this.connectTimer);
    clearTimeout(this.idleTimer);
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new RealtimeError(code, reason));
    }
    this.pending.clear();
    if (this.ws) {
      this.ws.onopen = this.ws.onmessage = this.ws.onclose = null;
      try {
        if (this.ws.readyState <= 1) this.ws.close(4000, 'client closed');
      } catch (_) {
        // already closing
      }
    }
  }

  _fail(info) {
    if (this.closed) return;
    this._cleanup('connection_lost', 'the connection closed before the publish was acknowledged');
    this.client._transportClosed(this, info);
  }

  stop() {
    if (this.closed) return;
    this._cleanup('closed', 'the client was closed');
  }
}

/** Shared by SSE and long-polling: a fixed set of channels per connection. */
class HttpTransport {
  constructor(client, name) {
    this.name = name;
    this.client = client;
    this.opened = false;
    this.closed = false;
    this.catchingUp = new Map(); // channel -> buffered live messages
    this.catchUpAbort = new AbortController();
  }

  _prepare() {
    const c = this.client;
    const plan = c._tracker.plan();
    this.channels = [...plan.covered, ...plan.others.map((o) => o.channel)];
    this.firstSince = plan.cursor;
    const others = plan.others;
    if (plan.cursor === undefined && others.length > 0 && others.every((o) => o.since === others[0].since)) {
      // one position for every channel (a single channel, or all `earliest`)
      this.firstSince = others[0].since;
      return true;
    }
    // channels the cursor does not cover but that have a position of their
    // own are replayed by polling them alone once the stream is live
    for (const o of others) if (o.since !== undefined) this.catchingUp.set(o.channel, []);
    return this.channels.length > 0;
  }

  _liveChannels() {
    return this.channels.filter((ch) => !this.catchingUp.has(ch));
  }

  _receive(message) {
    const buffer = message && this.catchingUp.get(message.channel);
    if (buffer) buffer.push(message);
    else this.client._deliver(message);
  }

  _becomeOpen() {
    if (this.opened || this.closed) return;
    this.opened = true;
    this.client._transportOpen(this);
    for (const channel of [...this.catchingUp.keys()]) this._catchUp(channel);
  }

  async _catchUp(channel) {
    const c = this.client;
    // a replay that does not come back in time stalls the transport: live
    // messages of this channel wait in a buffer meanwhile
    const timer = setTimeout(() => this._fail({ opened: true, stalled: true }), c.options.connectTimeout);
    try {
      for (let round = 0; round < 1000; round++) {
        const since = c._tracker.sinceOf(channel);
        const body = await c._poll([channel], since, 0, this.catchUpAbort.signal);
        if (this.closed) return;
        for (const g of body.gaps || []) c._gap(g);
        for (const m of body.messages || []) c._deliver(m);
        c._tracker.setSince(channel, body.cursor);
        if (!body.messages || body.messages.length === 0) break;
      }
    } catch (e) {
      if (this.closed) return;
      if (e && e.code === 'invalid_cursor') {
        c._tracker.setSince(channel, undefined);
        c._emitError(e);
      } else {
        this._fail({ opened: true, error: e });
        return;
      }
    } finally {
      clearTimeout(timer);
    }
    const buffered = this.catchingUp.get(channel) || [];
    this.catchingUp.delete(channel);
    for (const m of buffered) c._deliver(m);
  }

  addChannel() {
    this.client._scheduleRestart();
  }

  removeChannel() {
    this.client._scheduleRestart();
  }

  canPublish() {
    return false;
  }

  /** Back online: a held request may be dead without knowing it; reopen it from the cursor. */
  check() {
    if (!this.closed) this.client._scheduleRestart();
  }

  _cleanup() {
    this.closed = true;
    clearTimeout(this.timer);
    if (this.abort) this.abort.abort();
    this.catchUpAbort.abort();
  }

  _fail(info) {
    if (this.closed) return;
    this._cleanup();
    this.client._transportClosed(this, info);
  }

  stop() {
    if (!this.closed) this._cleanup();
  }
}

class SseTransport extends HttpTransport {
  constructor(client) {
    super(client, 'sse');
  }

  start() {
    const c = this.client;
    if (!this._prepare()) {
      this._becomeOpen(); // nothing to listen to yet
      return;
    }
    this.abort = new AbortController();
    const url = buildUrl(c.url, '/sse', { channel: this.channels, since: this.firstSince }, { baseHref: c._baseHref });
    this.timer = setTimeout(() => this._fail({ opened: false, reason: 'connect timeout' }), c.options.connectTimeout);
    this._run(url).catch((e) => this._fail({ opened: this.opened, error: e }));
  }

  async _run(url) {
    const c = this.client;
    const response = await c._fetch(url, {
      method: 'GET',
      headers: { Accept: 'text/event-stream' },
      cache: 'no-store',
      credentials: c.options.withCredentials ? 'include' : 'same-origin',
      signal: this.abort.signal,
    });
    if (this.closed) return;
    if (!response.ok) {
      const err = await errorFrom(response);
      this._httpError(err);
      return;
    }
    const type = response.headers.get('content-type') || '';
    if (!type.toLowerCase().startsWith('text/event-stream') || !response.body) {
      this._fail({ opened: false, error: new RealtimeError('bad_response', `unexpected content type ${type}`) });
      return;
    }
    const reader = response.body.getReader();
    this.reader = reader;
    const decoder = new TextDecoder('utf-8');
    const parser = new SseParser({
      onRetry: (ms) => {
        this.retry = ms;
      },
      onEvent: (ev) => this._onEvent(ev),
    });
    for (;;) {
      const { value, done } = await reader.read();
      if (this.closed) return;
      if (done) break;
      this._armStall();
      parser.feed(decoder.decode(value, { stream: true }));
      this._becomeOpen();
    }
    this._fail({ opened: this.opened, retry: this.retry, reason: 'stream ended' });
  }

  _cleanup() {
    super._cleanup();
    if (this.reader) {
      this.reader.cancel().catch(() => {});
    }
  }

  _httpError(err) {
    const c = this.client;
    if (err.code === 'invalid_cursor') c._tracker.reset();
    if (err.code === 'too_many_channels' && c._tooManyChannels(this.channels.length)) {
      this._fail({ opened: true }); // reconnect at once with the channels that remain
      return;
    }
    if (err.status && err.status < 500 && err.status !== 404 && err.status !== 405) c._emitError(err);
    this._fail({ opened: false, error: err });
  }

  _armStall() {
    const o = this.client.options;
    clearTimeout(this.timer);
    const limit = o.sseStallTimeout !== undefined ? o.sseStallTimeout : 2 * o.heartbeatInterval;
    this.timer = setTimeout(() => this._fail({ opened: true, stalled: true }), limit);
  }

  _onEvent(ev) {
    const c = this.client;
    let data;
    try {
      data = JSON.parse(ev.data);
    } catch (_) {
      return;
    }
    if (ev.type === 'gap') {
      if (data && data.channel) c._gap(data.channel);
      return;
    }
    if (ev.id) c._tracker.update(ev.id, this._liveChannels());
    this._receive(data);
  }
}

class LongPollTransport extends HttpTransport {
  constructor(client) {
    super(client, 'longpoll');
  }

  start() {
    if (!this._prepare()) {
      this._becomeOpen();
      return;
    }
    this._loop(true, this.firstSince);
  }

  async _loop(first, since) {
    const c = this.client;
    const o = c.options;
    while (!this.closed) {
      // the first poll after (re)connecting answers at once: it opens the
      // transport and yields a cursor covering every channel
      const timeout = first ? 0 : o.pollTimeout;
      this.abort = new AbortController();
      const limit = first ? o.connectTimeout : o.pollTimeout + o.pollGrace;
      const opened = this.opened;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this._fail({ opened, stalled: true }), limit);
      let body;
      try {
        body = await c._poll(this.channels, since, timeout, this.abort.signal);
      } catch (e) {
        if (this.closed) return;
        if (e && e.code === 'invalid_cursor') c._tracker.reset();
        if (e && e.code === 'too_many_channels' && c._tooManyChannels(this.channels.length)) {
          this._fail({ opened: true }); // poll again at once with the channels that remain
          return;
        }
        if (e && e.status && e.status < 500 && e.status !== 404 && e.status !== 405) c._emitError(e);
        this._fail({ opened: this.opened, error: e });
        return;
      }
      clearTimeout(this.timer);
      if (this.closed) return;
      for (const g of body.gaps || []) c._gap(g);
      for (const m of body.messages || []) this._receive(m);
      if (body.cursor) c._tracker.update(body.cursor, this._liveChannels());
      since = body.cursor || since;
      first = false;
      this._becomeOpen();
    }
  }
}

const TRANSPORT_CLASSES = { websocket: WebSocketTransport, sse: SseTransport, longpoll: LongPollTransport };

// -------------------------------------------------------------------- client

/**
 * A connection to a realtime server. Events (also through `on`):
 * `transport` {transport}, `state` {state, transport}, `gap` {channel},
 * `error` {code, message, channel, error}, `message` (every delivered message).
 */
export class RealtimeClient extends EventTarget {
  constructor(url, options = {}) {
    super();
    if (typeof url !== 'string') throw new TypeError('connect(url): url must be a string such as "/realtime"');
    this.url = url;
    this.options = { ...DEFAULT_OPTIONS, ...options };
    this._fetch = options.fetch || (globalThis.fetch && globalThis.fetch.bind(globalThis));
    this._WebSocket = options.WebSocket || globalThis.WebSocket;
    this._baseHref = options.baseHref !== undefined ? options.baseHref : globalThis.location && globalThis.location.href;
    this._random = options.random || Math.random;
    const wanted = this.options.transports || DEFAULT_TRANSPORTS;
    this._transports = wanted.filter((t) => {
      if (!KNOWN_TRANSPORTS.has(t)) return false;
      if (t === 'websocket') return typeof this._WebSocket === 'function';
      return typeof this._fetch === 'function';
    });
    if (this._transports.length === 0) {
      throw new RealtimeError('no_transport', `none of the transports ${JSON.stringify(wanted)} is available`);
    }
    this._subs = new Map(); // channel -> { handlers: Set, active }
    this._tracker = new ResumeTracker();
    this._dedup = new DuplicateFilter(this.options.dedupWindow);
    this._index = 0;
    this._attempt = 0;
    this._state = undefined;
    this._transportName = undefined;
    this._everOpened = false;
    this._closed = false;
    this._transport = null;
    // back online: reconnect now instead of waiting out the backoff
    this._window = options.window !== undefined ? options.window : globalThis.window;
    this._onOnline = () => {
      if (this._closed) return;
      if (this._transport) {
        this._transport.check();
        return;
      }
      clearTimeout(this._timer);
      this._attempt = 0;
      this._start();
    };
    if (this._window && typeof this._window.addEventListener === 'function') this._window.addEventListener('online', this._onOnline);
    // start after the caller's synchronous subscribe() calls
    this._timer = setTimeout(() => this._start(), 0);
  }

  /** `connecting`, `open`, `reconnecting` or `closed`. */
  get state() {
    return this._state || 'connecting';
  }

  /** The transport in use (or being tried). */
  get transport() {
    return this._transportName;
  }

  /** The latest connection cursor (opaque). */
  get cursor() {
    return this._tracker.cursor;
  }

  /** Subscribed channel names. */
  get channels() {
    return [...this._subs.keys()];
  }

  on(name, fn) {
    const listener = (e) => fn(e.detail, e);
    this.addEventListener(name, listener);
    return () => this.removeEventListener(name, listener);
  }

  subscribe(channel, handler, options = {}) {
    if (!isValidChannel(channel)) throw new RealtimeError('invalid_channel', `invalid channel name: ${channel}`);
    if (typeof handler !== 'function') throw new TypeError('subscribe(channel, handler): handler must be a function');
    if (this._closed) throw new RealtimeError('closed', 'the client was closed');
    let sub = this._subs.get(channel);
    if (sub) {
      sub.handlers.add(handler);
    } else if (this._subs.size >= this._channelLimit()) {
      // refused alone: on SSE and long-polling one channel too many would fail the whole request
      const err = new RealtimeError('too_many_channels', `a connection may subscribe to at most ${this._channelLimit()} channels`, { channel });
      this._emitError(err);
      const ready = Promise.reject(err);
      ready.catch(() => {}); // reported as an error event; awaiting ready is optional
      return { channel, ready, unsubscribe: () => {} };
    } else {
      sub = { handlers: new Set([handler]), active: false };
      this._subs.set(channel, sub);
      sub.ready = this._activate(channel, sub, options.since);
    }
    return {
      channel,
      ready: sub.ready,
      unsubscribe: () => this._removeHandler(channel, handler),
    };
  }

  async _activate(channel, sub, since) {
    if (since === undefined && this.options.anchor && typeof this._fetch === 'function') {
      // a position of its own, so a reconnect before any cursor covers the
      // channel still resumes it instead of starting again at "now"
      try {
        since = (await this._poll([channel], undefined, 0)).cursor;
      } catch (e) {
        since = undefined;
      }
    }
    if (this._closed || this._subs.get(channel) !== sub) return;
    this._tracker.add(channel, since);
    sub.active = true;
    if (this._transport) this._transport.addChannel(channel);
  }

  _channelLimit() {
    return Math.min(this.options.maxChannels, this._serverMaxChannels || Infinity);
  }

  /**
   * The server refused a request of `count` channels as too many (its limit
   * is below `maxChannels`): keep the oldest subscriptions within its limit,
   * refuse the newest one by one, and let the transport reconnect with the rest.
   */
  _tooManyChannels(count) {
    if (count <= 1) return false;
    this._serverMaxChannels = Math.min(count - 1, this._serverMaxChannels || Infinity);
    const excess = [...this._subs.keys()].slice(this._serverMaxChannels);
    for (const channel of excess) {
      this.unsubscribe(channel);
      this._emitError(new RealtimeError('too_many_channels', `the server allows at most ${this._serverMaxChannels} channels per connection`, { channel }));
    }
    return excess.length > 0;
  }

  _removeHandler(channel, handler) {
    const sub = this._subs.get(channel);
    if (!sub) return;
    sub.handlers.delete(handler);
    if (sub.handlers.size === 0) this.unsubscribe(channel);
  }

  unsubscribe(channel) {
    const sub = this._subs.get(channel);
    if (!sub) return;
    this._subs.delete(channel);
    this._dedup.forget(channel);
    if (!sub.active) return;
    this._tracker.remove(channel);
    if (this._transport) this._transport.removeChannel(channel);
  }

  publish(channel, data, options = {}) {
    if (!isValidChannel(channel)) return Promise.reject(new RealtimeError('invalid_channel', `invalid channel name: ${channel}`));
    const event = options.event;
    if (event !== undefined && !isValidEvent(event)) return Promise.reject(new RealtimeError('invalid_event', `invalid event name: ${event}`));
    const value = data === undefined ? null : data;
    // one key for every attempt of this publish, whichever way it goes
    const key = newIdempotencyKey();
    const t = this._transport;
    if (t && t.canPublish()) {
      return t.publish(channel, event, value, key).catch((e) => {
        // no ack before the socket went away (or in time): it may or may not have been
        // published, so ask again over HTTP with the same key; the server answers a
        // repeat with the first result instead of publishing twice
        if (e && (e.code === 'connection_lost' || e.code === 'timeout') && typeof this._fetch === 'function') {
          return this._httpPublish(channel, event, value, key);
        }
        throw e;
      });
    }
    return this._httpPublish(channel, event, value, key);
  }

  async _httpPublish(channel, event, data, key) {
    if (typeof this._fetch !== 'function') throw new RealtimeError('no_transport', 'fetch is not available');
    const url = buildUrl(this.url, '/publish', { channel, event }, { baseHref: this._baseHref });
    const body = JSON.stringify(data);
    let lastError;
    for (let attempt = 0; attempt <= this.options.publishRetries; attempt++) {
      if (attempt > 0) await sleep(computeBackoff(attempt - 1, { base: this.options.publishRetryDelay, max: 10 * this.options.publishRetryDelay, jitter: this.options.jitter }, this._random));
      let response;
      try {
        response = await this._fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key },
          body,
          credentials: this.options.withCredentials ? 'include' : 'same-origin',
        });
      } catch (e) {
        lastError = new RealtimeError('network_error', e && e.message ? e.message : 'network error');
        continue;
      }
      if (response.ok) {
        const ack = await response.json();
        return { channel: ack.channel, id: ack.id };
      }
      lastError = await errorFrom(response);
      if (!isRetryableStatus(response.status)) throw lastError;
    }
    throw lastError;
  }

  close() {
    if (this._closed) return;
    this._closed = true;
    if (this._window && typeof this._window.removeEventListener === 'function') this._window.removeEventListener('online', this._onOnline);
    clearTimeout(this._timer);
    clearTimeout(this._restartTimer);
    const t = this._transport;
    this._transport = null;
    if (t) t.stop();
    this._setState('closed');
  }

  // ------------------------------------------------------------ internals

  async _poll(channels, since, timeout, signal) {
    const url = buildUrl(this.url, '/poll', { channel: channels, since, timeout }, { baseHref: this._baseHref });
    const response = await this._fetch(url, {
      method: 'GET',
      headers: { Accept: 'application/json' },
      cache: 'no-store',
      credentials: this.options.withCredentials ? 'include' : 'same-origin',
      signal,
    });
    if (!response.ok) throw await errorFrom(response);
    return response.json();
  }

  _emit(name, detail) {
    const Ctor = globalThis.CustomEvent;
    let event;
    if (typeof Ctor === 'function') {
      event = new Ctor(name, { detail });
    } else {
      event = new Event(name);
      Object.defineProperty(event, 'detail', { value: detail });
    }
    this.dispatchEvent(event);
  }

  _emitError(error) {
    this._emit('error', { code: error.code || 'error', message: error.message, channel: error.channel, error });
  }

  _setState(state) {
    if (this._state === state) return;
    this._state = state;
    this._emit('state', { state, transport: this._transportName });
  }

  _start() {
    if (this._closed) return;
    const name = this._transports[this._index];
    if (name !== this._transportName) {
      this._transportName = name;
      this._emit('transport', { transport: name });
    }
    this._setState(this._everOpened ? 'reconnecting' : 'connecting');
    const t = new TRANSPORT_CLASSES[name](this);
    this._transport = t;
    t.start();
  }

  _scheduleRestart() {
    if (this._restartPending || this._closed) return;
    this._restartPending = true;
    this._restartTimer = setTimeout(() => {
      this._restartPending = false;
      const t = this._transport;
      if (!t || this._closed) return; // a reconnect is already scheduled
      t.stop();
      this._transport = null;
      const name = this._transportName;
      const next = new TRANSPORT_CLASSES[name](this);
      this._transport = next;
      next.start();
    }, 0);
  }

  _transportOpen(t) {
    if (t !== this._transport) return;
    this._attempt = 0;
    this._everOpened = true;
    this._setState('open');
  }

  _transportClosed(t, info = {}) {
    if (t !== this._transport || this._closed) return;
    this._transport = null;
    const o = this.options;
    let delay;
    if (!info.opened || info.stalled) {
      // could not connect, or stalled: fall back to the next transport; a
      // full round through all of them backs off before starting again
      this._index = (this._index + 1) % this._transports.length;
      delay = this._index === 0 ? this._backoff(o.reconnectDelay) : 0;
      if (this._index === 0 && !this._everOpened) {
        // every allowed transport failed before ever opening: say so, then keep trying
        const cause = info.error;
        this._emitError(new RealtimeError('connect_failed', `could not connect with ${this._transports.join(', ')}` +
          (cause && cause.message ? `: ${cause.message}` : info.reason ? `: ${info.reason}` : ''), { cause }));
      }
    } else {
      delay = this._backoff(info.retry !== undefined ? info.retry : o.reconnectDelay);
    }
    this._setState(this._everOpened ? 'reconnecting' : 'connecting');
    this._timer = setTimeout(() => this._start(), delay);
  }

  _backoff(base) {
    const o = this.options;
    return computeBackoff(this._attempt++, { base, max: Math.max(base, o.maxReconnectDelay), jitter: o.jitter }, this._random);
  }

  _gap(channel) {
    // after a gap the server's ids may start again (history lost, a new
    // epoch): ids remembered from before would drop new messages silently
    this._dedup.forget(channel);
    if (this._subs.has(channel)) this._emit('gap', { channel });
  }

  _deliver(message) {
    if (!message || typeof message !== 'object' || typeof message.channel !== 'string') return;
    const sub = this._subs.get(message.channel);
    if (!sub) return;
    if (this._dedup.isDuplicate(message.channel, message.id)) return;
    for (const handler of [...sub.handlers]) {
      try {
        handler(message);
      } catch (e) {
        this._emitError(new RealtimeError('handler_error', e && e.message ? e.message : String(e), { channel: message.channel, cause: e }));
      }
    }
    this._emit('message', message);
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Opens a client on the base URL (e.g. "/realtime" or "https://host/app/realtime"). */
export function connect(url, options) {
  return new RealtimeClient(url, options);
}

export default connect;
