// What an application holds: handlers per channel, events, publish.

import { Connection } from './realtime-connection.js';
import {
  DEFAULT_OPTIONS,
  DEFAULT_TRANSPORTS,
  RealtimeError,
  buildUrl,
  computeBackoff,
  errorFrom,
  isValidChannel,
  isValidEvent,
  newIdempotencyKey,
  poll,
  sleep,
  usableTransports,
} from './realtime-protocol.js';
import { DuplicateFilter } from './realtime-resume.js';
import { PresenceView, isValidPattern, subscriptionsFor } from './realtime-live.js';
import { ShareLink, shareEnv, shareModes } from './realtime-share.js';

/**
 * A connection to a realtime server, private to this client or shared with
 * the other tabs of the browser (`options.share`). Events (also through `on`):
 * `transport` {transport, previous, reason}, `state` {state, transport},
 * `gap` {channel}, `error` {code, message, channel, error}, `share` {mode,
 * tabs, leader}, `message` (every delivered message), `presence` (every
 * presence event of a watched channel, protocol 1.1).
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
    this._subs = new Map(); // channel or pattern -> { handlers: Set, ready, live, buffer }
    this._joins = new Map(); // channel -> { member, info } (protocol 1.1)
    this._watches = new Map(); // channel -> { view: PresenceView, listeners: Set }
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
      presence: (e) => this._onPresence(e),
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
    if (!isValidChannel(channel) && !isValidPattern(channel)) throw new RealtimeError('invalid_channel', `invalid channel name or pattern: ${channel}`);
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

  /**
   * Publishes; with `{ephemeral: true}` (protocol 1.1) the message reaches the
   * current subscribers live and is never stored: no id, no replay.
   */
  publish(channel, data, options = {}) {
    if (!isValidChannel(channel)) return Promise.reject(new RealtimeError('invalid_channel', `invalid channel name: ${channel}`));
    const event = options.event;
    if (event !== undefined && !isValidEvent(event)) return Promise.reject(new RealtimeError('invalid_event', `invalid event name: ${event}`));
    if (this._closed) return Promise.reject(new RealtimeError('closed', 'the client was closed'));
    // one key for every attempt of this publish, whichever way (and through whichever tab) it goes
    return this._link.publish(channel, event, data === undefined ? null : data, newIdempotencyKey(), options.ephemeral === true);
  }

  // ------------------------------------------------- presence (protocol 1.1)

  /**
   * Joins the channel's presence as `member` (the signed-in user's name when
   * the server knows one) with `info` (small JSON). Stays joined across
   * reconnects until `leave()`. Over SSE and long-polling every join of a
   * connection carries the member and info of its first join.
   */
  join(channel, { member, info } = {}) {
    if (!isValidChannel(channel)) throw new RealtimeError('invalid_channel', `invalid channel name: ${channel}`);
    if (this._closed) throw new RealtimeError('closed', 'the client was closed');
    const entry = { member, info };
    this._joins.set(channel, entry);
    this._pushLive();
    return {
      channel,
      leave: () => {
        if (this._joins.get(channel) !== entry) return;
        this._joins.delete(channel);
        this._pushLive();
      },
    };
  }

  /**
   * Watches the channel's presence: `listener(event, members)` gets every
   * event (`sync`, `join`, `update`, `leave`) with the member list after it
   * (`[{member, info}]`). The returned handle's `members` is that list now.
   */
  presence(channel, listener) {
    if (!isValidChannel(channel)) throw new RealtimeError('invalid_channel', `invalid channel name: ${channel}`);
    if (this._closed) throw new RealtimeError('closed', 'the client was closed');
    let w = this._watches.get(channel);
    const fresh = !w;
    if (fresh) {
      w = { view: new PresenceView(channel), listeners: new Set() };
      this._watches.set(channel, w);
    }
    if (typeof listener === 'function') w.listeners.add(listener);
    if (fresh) this._pushLive();
    const watch = w;
    return {
      channel,
      get members() {
        return watch.view.list();
      },
      stop: () => {
        watch.listeners.delete(listener);
        if (watch.listeners.size === 0 && this._watches.get(channel) === watch) {
          this._watches.delete(channel);
          this._pushLive();
        }
      },
    };
  }

  /** The channel's members now, over plain HTTP (`GET {base}/presence`). */
  async members(channel) {
    if (!isValidChannel(channel)) throw new RealtimeError('invalid_channel', `invalid channel name: ${channel}`);
    const url = buildUrl(this.url, '/presence', { channel }, { baseHref: this._baseHref });
    // a private connection's fetch presents its ticket (shared connections have none)
    const fetch = this._link instanceof Connection ? this._link._fetch : this._fetch;
    const response = await fetch(url, {
      headers: { Accept: 'application/json' },
      cache: 'no-store',
      credentials: this.options.withCredentials ? 'include' : 'same-origin',
    });
    if (!response.ok) throw await errorFrom(response);
    return (await response.json()).members;
  }

  _pushLive() {
    const joins = {};
    for (const [channel, j] of this._joins) joins[channel] = j;
    this._link.setLive({ joins, watches: [...this._watches.keys()] });
  }

  _onPresence(event) {
    const w = this._watches.get(event.channel);
    if (!w || !w.view.apply(event)) return;
    const members = w.view.list();
    for (const listener of [...w.listeners]) {
      try {
        listener(event, members);
      } catch (e) {
        this._emitError(new RealtimeError('handler_error', e && e.message ? e.message : String(e), { channel: event.channel, cause: e }));
      }
    }
    this._emit('presence', event);
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
    this._pushLive();
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
    // its channel's subscription and every pattern that matches it (protocol 1.1)
    for (const name of subscriptionsFor(this._subs.keys(), message.channel)) {
      const sub = this._subs.get(name);
      if (!sub || !sub.live) continue;
      if (sub.buffer) sub.buffer.push(message);
      else this._deliver(name, sub, message);
    }
  }

  /** Ids are unique per channel: a pattern's subscription remembers them per matched channel. */
  static _dedupKey(name, message) {
    return name === message.channel ? name : `${name}\n${message.channel}`;
  }

  _deliver(channel, sub, message) {
    if (this._dedup.isDuplicate(RealtimeClient._dedupKey(channel, message), message.id)) return;
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
    // epoch): ids remembered from before would drop new messages silently;
    // a pattern's own gap (1.1) stands for every channel it matched
    this._dedup.forget(channel);
    if (channel.includes('*')) this._dedup.forgetPrefix(`${channel}\n`);
    for (const name of subscriptionsFor(this._subs.keys(), channel)) if (name !== channel) this._dedup.forget(`${name}\n${channel}`);
    if (this._subs.has(channel) || subscriptionsFor(this._subs.keys(), channel).length) this._emit('gap', { channel });
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
