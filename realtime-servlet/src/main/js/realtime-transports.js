// The three ways to receive: WebSocket, Server-Sent Events (read with fetch)
// and long-polling. A transport serves one Connection (called `client` here):
// it reads the resume positions from the connection's tracker, hands it what
// arrives, and tells it when it opened or failed; it never decides what to
// try next.

import { RealtimeError, buildUrl, errorFrom } from './realtime-protocol.js';
import { PROTOCOL_VERSION, emptyLive, liveFrames } from './realtime-live.js';
import { SseParser } from './realtime-sse.js';
import { refuseChannel, sseError } from './realtime-tickets.js';

/**
 * WebSocket. A `candidate` is tried while another transport still runs (to
 * climb back up): it subscribes like any other, but tells the connection it
 * is open only once the server answered a frame, so a proxy that accepts the
 * handshake and then passes nothing does not win.
 */
export class WebSocketTransport {
  constructor(client, { candidate = false } = {}) {
    this.name = 'websocket';
    this.client = client;
    this.candidate = candidate;
    this.confirmed = !candidate;
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
    // joins and presence go as frames once open: a refused join must not refuse the connection
    const params = plan.cursor ? { channel: plan.covered, since: plan.cursor, v: PROTOCOL_VERSION } : { v: PROTOCOL_VERSION };
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
    this.liveChanged(emptyLive(), c._live);
    if (!this.confirmed) {
      this._send({ type: 'ping' });
      this.idleTimer = setTimeout(() => this._fail({ opened: true, stalled: true, reason: 'no answer' }), c.options.connectTimeout);
      return;
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
    if (!this.confirmed) {
      this.confirmed = true;
      this.client._transportOpen(this);
      if (this.closed) return;
    }
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
          p.resolve(f.ephemeral ? { channel: f.channel, ephemeral: true } : { channel: f.channel, id: f.id });
        }
        break;
      }
      case 'presence': {
        const { type, ...event } = f;
        c._presence(event);
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
        if (c._tickets && f.code === 'forbidden' && f.channel) {
          refuseChannel(c, f.channel, err); // the credential does not (or no longer) allow it
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
    // the server's unsubscribe ends the presence events too: a watched channel stays subscribed
    if (!this.client._live.watches.includes(channel)) this._send({ type: 'unsubscribe', channel });
  }

  /** Protocol 1.1: joins, leaves and presence watches as frames. */
  liveChanged(before, after) {
    if (!this.opened || this.closed) return; // sent in full once open
    for (const frame of liveFrames(before, after, new Set(this.client._tracker.names()))) this._send(frame);
  }

  canPublish() {
    return this.opened && !this.closed && this.ws && this.ws.readyState === 1;
  }

  publish(channel, event, data, idempotencyKey, ephemeral) {
    if (ephemeral) idempotencyKey = undefined; // an ephemeral message is never stored, so never repeated as one
    const ref = `p${++this.seq}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending.delete(ref)) reject(new RealtimeError('timeout', 'no ack for the publish'));
      }, this.client.options.publishTimeout);
      this.pending.set(ref, { resolve, reject, timer });
      if (!this._send({ type: 'publish', ref, channel, event, data, idempotencyKey, ephemeral: ephemeral ? true : undefined })) {
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
    // presence alone is a request too (1.1): a watch, or a join
    return this.channels.length > 0 || c._live.watches.length > 0 || Object.keys(c._live.joins).length > 0;
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
    this.client._scheduleRestart(this);
  }

  removeChannel() {
    this.client._scheduleRestart(this);
  }

  /** Protocol 1.1: joins and presence watches are query parameters: reopen from the cursor. */
  liveChanged() {
    this.client._scheduleRestart(this);
  }

  canPublish() {
    return false;
  }

  /** Back online: a held request may be dead without knowing it; reopen it from the cursor. */
  check() {
    if (this.opened && !this.closed) this.client._scheduleRestart(this);
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

export class SseTransport extends HttpTransport {
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
    const url = buildUrl(c.url, '/sse', { channel: this.channels, since: this.firstSince, ...c._liveParams() }, { baseHref: c._baseHref });
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
    if (c._liveRefused(err)) {
      this._fail({ opened: true }); // without the refused joins, at once
      return;
    }
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
    if (ev.type === 'error') {
      if (data) sseError(c, data); // protocol 1.1: a refused channel, or the credential's end
      return;
    }
    if (ev.type === '$presence') {
      c._presence(data);
      return;
    }
    if (ev.id) c._tracker.update(ev.id, this._liveChannels());
    this._receive(data);
  }
}

export class LongPollTransport extends HttpTransport {
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
        body = await c._poll(this.channels, since, timeout, this.abort.signal, c._liveParams());
      } catch (e) {
        if (this.closed) return;
        if (c._liveRefused(e)) {
          this._fail({ opened: true }); // without the refused joins, at once
          return;
        }
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
      for (const r of body.refused || []) refuseChannel(c, r.channel, new RealtimeError(r.code, r.message, { channel: r.channel, status: 403 }));
      for (const g of body.gaps || []) c._gap(g);
      for (const m of body.messages || []) this._receive(m);
      for (const e of body.presence || []) c._presence(e);
      if (body.cursor) c._tracker.update(body.cursor, this._liveChannels());
      since = body.cursor || since;
      first = false;
      this._becomeOpen();
    }
  }
}

/** The transport classes by their option name. */
export const TRANSPORTS = Object.freeze({ websocket: WebSocketTransport, sse: SseTransport, longpoll: LongPollTransport });
