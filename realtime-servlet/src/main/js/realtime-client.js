// What an application holds: handlers per channel, events, publish.

import { Connection } from './realtime-connection.js';
import {
  DEFAULT_OPTIONS,
  DEFAULT_TRANSPORTS,
  RealtimeError,
  buildUrl,
  computeBackoff,
  isValidChannel,
  isValidEvent,
  newIdempotencyKey,
  poll,
  sleep,
  usableTransports,
} from './realtime-protocol.js';
import { DuplicateFilter } from './realtime-resume.js';
import { ShareLink, shareEnv, shareModes } from './realtime-share.js';

/**
 * A connection to a realtime server, private to this client or shared with
 * the other tabs of the browser (`options.share`). Events (also through `on`):
 * `transport` {transport, previous, reason}, `state` {state, transport},
 * `gap` {channel}, `error` {code, message, channel, error}, `share` {mode,
 * tabs, leader}, `message` (every delivered message).
 */
export class RealtimeClient extends EventTarget {
  constructor(url, options = {}) {
    super();
    if (typeof url !== 'string') throw new TypeError('connect(url): url must be a string such as "/realtime"');
    this.url = url;
    this.options = { ...DEFAULT_OPTIONS, ...options };
    this._fetch = options.fetch || (globalThis.fetch && globalThis.fetch.bind(globalThis));
    this._baseHref = options.baseHref !== undefined ? options.baseHref : globalThis.location && globalThis.location.href;
    usableTransports(this.options.transports || DEFAULT_TRANSPORTS, { fetch: this._fetch, WebSocket: options.WebSocket || globalThis.WebSocket });
    this._subs = new Map(); // channel -> { handlers: Set, ready, live, buffer }
    this._dedup = new DuplicateFilter(this.options.dedupWindow);
    this._state = undefined;
    this._transportName = undefined;
    this._closed = false;
    this._shared = { mode: 'none', tabs: 1, leader: false };
    this._member = {
      message: (m, cursor) => this._onMessage(m, cursor),
      gap: (channel) => this._onGap(channel),
      state: (d) => this._onState(d),
      transport: (d) => this._onTransport(d),
      error: (e) => this._onError(e),
      refused: (channel, e) => this._onRefused(channel, e),
      share: (d) => this._onShare(d),
    };
    const env = shareEnv(options);
    const workerUrl = this.options.workerUrl || buildUrl(url, '/realtime.js', {}, { baseHref: this._baseHref });
    const modes = shareModes(this.options, env, workerUrl);
    this._link = modes.length ? new ShareLink(this, modes, env, workerUrl) : new Connection(url, this.options, this._member);
    this._page = new PageLife(this);
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
    return this._link.cursor;
  }

  /** Subscribed channel names. */
  get channels() {
    return [...this._subs.keys()];
  }

  /** How the connection is held: `{mode: 'worker'|'leader'|'none', tabs, leader}`. */
  get shared() {
    return { ...this._shared };
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
    } else {
      sub = { handlers: new Set([handler]), live: false, buffer: null };
      this._subs.set(channel, sub);
      this._open(channel, sub, options.since);
    }
    return {
      channel,
      ready: sub.ready,
      unsubscribe: () => this._removeHandler(channel, handler),
    };
  }

  unsubscribe(channel) {
    const sub = this._subs.get(channel);
    if (!sub) return;
    this._subs.delete(channel);
    this._dedup.forget(channel);
    this._link.unsubscribe(channel);
  }

  publish(channel, data, options = {}) {
    if (!isValidChannel(channel)) return Promise.reject(new RealtimeError('invalid_channel', `invalid channel name: ${channel}`));
    const event = options.event;
    if (event !== undefined && !isValidEvent(event)) return Promise.reject(new RealtimeError('invalid_event', `invalid event name: ${event}`));
    if (this._closed) return Promise.reject(new RealtimeError('closed', 'the client was closed'));
    // one key for every attempt of this publish, whichever way (and through whichever tab) it goes
    return this._link.publish(channel, event, data === undefined ? null : data, newIdempotencyKey());
  }

  close() {
    if (this._closed) return;
    this._closed = true;
    this._page.detach();
    this._link.close();
    this._setState('closed');
  }

  // ------------------------------------------------------------ internals

  /** Hands the channel to the connection; `ready` settles when it took it (or refused it). */
  _open(channel, sub, since) {
    sub.ready = this._link.subscribe(channel, since).then(
      (result) => this._subscribed(channel, sub, since, result),
      (err) => {
        if (this._subs.get(channel) === sub) {
          this._subs.delete(channel);
          this._dedup.forget(channel);
        }
        if (err && err.code !== 'closed') this._emitError(err);
        throw err;
      },
    );
    sub.ready.catch(() => {}); // reported as an error event; awaiting ready is optional
  }

  _subscribed(channel, sub, since, result) {
    if (this._subs.get(channel) !== sub) return;
    sub.live = true;
    // a channel another tab had already: the shared connection delivers from now on, and this
    // tab replays what it asked for before that itself, holding back the live messages meanwhile
    if (result && result.mode === 'joined' && since !== undefined) this._catchUp(channel, sub, since);
  }

  async _catchUp(channel, sub, since) {
    sub.buffer = [];
    const o = this.options;
    let failures = 0;
    for (let round = 0; round < 1000; ) {
      let body;
      try {
        body = await poll(this._fetch, this.url, [channel], since, 0, { baseHref: this._baseHref, withCredentials: o.withCredentials });
      } catch (e) {
        if (this._subs.get(channel) !== sub || this._closed) return;
        if (e && e.status && e.status < 500 && e.status !== 408 && e.status !== 429) {
          this._emitError(Object.assign(e, { channel })); // e.g. invalid_cursor: go on from now
          break;
        }
        await sleep(computeBackoff(failures++, { base: o.reconnectDelay, max: o.maxReconnectDelay, jitter: o.jitter }));
        continue;
      }
      if (this._subs.get(channel) !== sub || this._closed) return;
      if ((body.gaps || []).includes(channel)) this._onGap(channel);
      for (const m of body.messages || []) this._deliver(channel, sub, m);
      since = body.cursor || since;
      round++;
      if (!body.messages || body.messages.length === 0) break;
    }
    const held = sub.buffer || [];
    sub.buffer = null;
    for (const m of held) if (this._subs.get(channel) === sub) this._deliver(channel, sub, m);
  }

  /** After `pageshow` from the back/forward cache: every channel again, from the last cursor seen. */
  _rejoin() {
    const since = this._link.cursor;
    for (const [channel, sub] of this._subs) {
      sub.live = false;
      sub.buffer = null;
      this._open(channel, sub, since);
    }
  }

  _removeHandler(channel, handler) {
    const sub = this._subs.get(channel);
    if (!sub) return;
    sub.handlers.delete(handler);
    if (sub.handlers.size === 0) this.unsubscribe(channel);
  }

  _onMessage(message, cursor) {
    if (!message || typeof message !== 'object' || typeof message.channel !== 'string') return;
    const sub = this._subs.get(message.channel);
    if (!sub || !sub.live) return;
    if (sub.buffer) sub.buffer.push(message);
    else this._deliver(message.channel, sub, message);
  }

  _deliver(channel, sub, message) {
    if (this._dedup.isDuplicate(channel, message.id)) return;
    for (const handler of [...sub.handlers]) {
      try {
        handler(message);
      } catch (e) {
        this._emitError(new RealtimeError('handler_error', e && e.message ? e.message : String(e), { channel, cause: e }));
      }
    }
    this._emit('message', message);
  }

  _onGap(channel) {
    // after a gap the server's ids may start again (history lost, a new
    // epoch): ids remembered from before would drop new messages silently
    this._dedup.forget(channel);
    if (this._subs.has(channel)) this._emit('gap', { channel });
  }

  _onState({ state, transport }) {
    if (this._closed) return;
    if (transport !== undefined) this._transportName = transport;
    this._setState(state);
  }

  _onTransport(detail) {
    if (this._closed || detail.transport === this._transportName) return;
    const previous = this._transportName;
    this._transportName = detail.transport;
    this._emit('transport', { transport: detail.transport, previous, reason: detail.reason || 'connect' });
  }

  _onError(err) {
    // errors about a channel reach only the clients subscribed to it
    if (err && err.channel && !this._subs.has(err.channel)) return;
    this._emitError(err);
  }

  _onRefused(channel, err) {
    if (!this._subs.has(channel)) return;
    this._subs.delete(channel);
    this._dedup.forget(channel);
    this._emitError(err);
  }

  _onShare(detail) {
    const next = { ...this._shared, ...detail };
    if (next.mode === this._shared.mode && next.tabs === this._shared.tabs && next.leader === this._shared.leader) return;
    this._shared = next;
    this._emit('share', { ...next });
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
}

/**
 * The page's life, told to the connection: `pagehide` frees the server's
 * connection now (a shared one is handed to another tab), `pageshow` from the
 * back/forward cache resumes from the cursor; the page becoming visible
 * reconnects at once instead of waiting out a backoff, and after a long time
 * hidden (a sleeping machine) makes the connection prove it is alive.
 */
class PageLife {
  constructor(client) {
    const win = client.options.window !== undefined ? client.options.window : globalThis.window;
    this.win = win && typeof win.addEventListener === 'function' ? win : undefined;
    const doc = win && win.document;
    this.doc = doc && typeof doc.addEventListener === 'function' ? doc : undefined;
    const link = () => client._link;
    this.onPageHide = () => link().suspend();
    this.onPageShow = (e) => {
      if (e && e.persisted) link().resume();
    };
    this.hiddenAt = undefined;
    this.onVisibility = () => {
      if (this.doc.visibilityState === 'hidden') {
        this.hiddenAt = Date.now();
        return;
      }
      const hiddenFor = this.hiddenAt === undefined ? 0 : Date.now() - this.hiddenAt;
      this.hiddenAt = undefined;
      link().wake(hiddenFor >= client.options.pingInterval);
    };
    // a private connection listens to `online` itself; a shared one may live in a worker that hears nothing
    this.onOnline = () => {
      if (client._link instanceof ShareLink) client._link.wake(true);
    };
    if (this.win) {
      this.win.addEventListener('pagehide', this.onPageHide);
      this.win.addEventListener('pageshow', this.onPageShow);
      this.win.addEventListener('online', this.onOnline);
    }
    if (this.doc) {
      if (this.doc.visibilityState === 'hidden') this.hiddenAt = Date.now();
      this.doc.addEventListener('visibilitychange', this.onVisibility);
    }
  }

  detach() {
    if (this.win) {
      this.win.removeEventListener('pagehide', this.onPageHide);
      this.win.removeEventListener('pageshow', this.onPageShow);
      this.win.removeEventListener('online', this.onOnline);
    }
    if (this.doc) this.doc.removeEventListener('visibilitychange', this.onVisibility);
  }
}
