// One connection to the server, on the best transport that works.

import {
  DEFAULT_TRANSPORTS,
  RealtimeError,
  buildUrl,
  computeBackoff,
  errorFrom,
  isRetryableStatus,
  poll,
  sleep,
  usableTransports,
} from './realtime-protocol.js';
import { ResumeTracker } from './realtime-resume.js';
import { emptyLive, liveParams, sameLive, subscriptionsFor } from './realtime-live.js';
import { TRANSPORTS, WebSocketTransport } from './realtime-transports.js';
import { installTickets } from './realtime-tickets.js';

/**
 * A connection to a realtime server for a set of channels. It falls back from
 * one transport to the next when one cannot connect or stalls, climbs back to
 * WebSocket once that works again, resumes from its cursor after every
 * change, and waits quietly while the browser is offline.
 *
 * It knows channels, not handlers: its owner (a RealtimeClient, or a hub that
 * several tabs share) gets everything through `sink`: `message(m, cursor)`,
 * `gap(channel)`, `state({state, transport})`, `transport({transport,
 * previous, reason})`, `error(err)` and `refused(channel, err)` (a channel
 * dropped because the server allows fewer channels).
 */
export class Connection {
  constructor(url, options, sink) {
    this.url = url;
    this.options = options;
    this.sink = sink;
    this._fetch = options.fetch || (globalThis.fetch && globalThis.fetch.bind(globalThis));
    this._WebSocket = options.WebSocket || globalThis.WebSocket;
    this._baseHref = options.baseHref !== undefined ? options.baseHref : globalThis.location && globalThis.location.href;
    if (typeof options.ticket === 'function') installTickets(this); // protocol 1.1: realtime-tickets.js
    this._random = options.random || Math.random;
    this._transports = usableTransports(options.transports || DEFAULT_TRANSPORTS, { fetch: this._fetch, WebSocket: this._WebSocket });
    this._channels = new Map(); // channel (or wildcard pattern) -> { active, ready }
    this._live = emptyLive(); // protocol 1.1: the joins and presence watches the server is to hold
    this._tracker = new ResumeTracker();
    this._index = 0;
    this._attempt = 0;
    this._climbAttempt = 0;
    this._state = undefined;
    this._transportName = undefined;
    this._everOpened = false;
    this._closed = false;
    this._suspended = false;
    this._transport = null;
    this._candidate = null; // a WebSocket tried in the background while on a lower transport
    // `online` events and navigator.onLine: the page's window, or a worker's own global scope
    this._env = options.window !== undefined ? options.window : typeof globalThis.addEventListener === 'function' ? globalThis : undefined;
    this._onOnline = () => this._backOnline();
    if (this._env && typeof this._env.addEventListener === 'function') this._env.addEventListener('online', this._onOnline);
    // start after the owner's synchronous subscribe() calls
    this._timer = setTimeout(() => this._start(), 0);
  }

  /** `connecting`, `open`, `reconnecting` or `closed`. */
  get state() {
    return this._state || 'connecting';
  }

  get transport() {
    return this._transportName;
  }

  get cursor() {
    return this._tracker.cursor;
  }

  get channels() {
    return [...this._channels.keys()];
  }

  has(channel) {
    return this._channels.has(channel);
  }

  channelLimit() {
    return Math.min(this.options.maxChannels, this._serverMaxChannels || Infinity);
  }

  /**
   * Adds a channel; resolves once it is handed to the transport. Rejects with
   * `too_many_channels` beyond the limit, so one channel too many is refused
   * alone (on SSE and long-polling it would fail the request of all of them).
   */
  subscribe(channel, since) {
    if (this._closed) return Promise.reject(new RealtimeError('closed', 'the client was closed'));
    const existing = this._channels.get(channel);
    if (existing) return existing.ready;
    if (this._channels.size >= this.channelLimit()) {
      return Promise.reject(new RealtimeError('too_many_channels', `a connection may subscribe to at most ${this.channelLimit()} channels`, { channel }));
    }
    const entry = { active: false };
    this._channels.set(channel, entry);
    entry.ready = this._activate(channel, entry, since).then(() => ({ mode: 'new' }));
    return entry.ready;
  }

  async _activate(channel, entry, since) {
    if (since === undefined && this.options.anchor && typeof this._fetch === 'function') {
      // a position of its own, so a reconnect before any cursor covers the
      // channel still resumes it instead of starting again at "now"
      try {
        since = (await this._poll([channel], undefined, 0)).cursor;
      } catch (e) {
        since = undefined;
      }
    }
    if (this._closed || this._channels.get(channel) !== entry) return;
    this._tracker.add(channel, since);
    entry.active = true;
    for (const t of [this._transport, this._candidate]) if (t) t.addChannel(channel);
  }

  unsubscribe(channel) {
    const entry = this._channels.get(channel);
    if (!entry) return;
    this._channels.delete(channel);
    if (!entry.active) return;
    this._tracker.remove(channel);
    for (const t of [this._transport, this._candidate]) if (t) t.removeChannel(channel);
  }

  /**
   * Protocol 1.1: the joins and presence watches this connection holds for
   * its owners (see realtime-live.js). A WebSocket changes them with frames;
   * SSE and long-polling reopen their request from the cursor.
   */
  setLive(live) {
    if (sameLive(live, this._live)) return;
    const before = this._live;
    this._live = live;
    for (const t of [this._transport, this._candidate]) if (t) t.liveChanged(before, live);
  }

  get live() {
    return this._live;
  }

  /** Query parameters of the 1.1 features for SSE and long-polling. */
  _liveParams() {
    return liveParams(this._live);
  }

  /**
   * A request refused because of its joins (a full channel, a refused or
   * invalid member, too large info): the joins are dropped and reported, so
   * messages keep flowing. True when that was the cause.
   */
  _liveRefused(err) {
    const codes = ['too_many_members', 'invalid_member', 'payload_too_large', 'invalid_json', 'forbidden'];
    if (!err || !codes.includes(err.code) || Object.keys(this._live.joins).length === 0) return false;
    this._live = { ...this._live, joins: {} };
    this._emitError(err);
    return true;
  }

  /** A presence event (1.1) for the owners watching its channel. */
  _presence(event) {
    if (event && typeof event.channel === 'string' && this.sink.presence) this.sink.presence(event);
  }

  /**
   * Over the WebSocket when it is open, else over HTTP; `key` is the
   * Idempotency-Key of every attempt, so a retry never publishes twice.
   * An ephemeral message (1.1) is delivered live and never stored.
   */
  publish(channel, event, data, key, ephemeral) {
    const t = this._transport;
    if (t && t.canPublish()) {
      return t.publish(channel, event, data, key, ephemeral).catch((e) => {
        // no ack before the socket went away (or in time): it may or may not have been
        // published, so ask again over HTTP with the same key; the server answers a
        // repeat with the first result instead of publishing twice
        if (e && (e.code === 'connection_lost' || e.code === 'timeout') && typeof this._fetch === 'function') {
          return this._httpPublish(channel, event, data, key, ephemeral);
        }
        throw e;
      });
    }
    return this._httpPublish(channel, event, data, key, ephemeral);
  }

  async _httpPublish(channel, event, data, key, ephemeral) {
    if (typeof this._fetch !== 'function') throw new RealtimeError('no_transport', 'fetch is not available');
    const o = this.options;
    const url = buildUrl(this.url, '/publish', { channel, event, ephemeral: ephemeral ? 'true' : undefined }, { baseHref: this._baseHref });
    const body = JSON.stringify(data);
    let lastError;
    for (let attempt = 0; attempt <= o.publishRetries; attempt++) {
      if (attempt > 0) await sleep(computeBackoff(attempt - 1, { base: o.publishRetryDelay, max: 10 * o.publishRetryDelay, jitter: o.jitter }, this._random));
      let response;
      try {
        response = await this._fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key },
          body,
          credentials: o.withCredentials ? 'include' : 'same-origin',
        });
      } catch (e) {
        lastError = new RealtimeError('network_error', e && e.message ? e.message : 'network error');
        continue;
      }
      if (response.ok) {
        const ack = await response.json();
        return ack.ephemeral ? { channel: ack.channel, ephemeral: true } : { channel: ack.channel, id: ack.id };
      }
      lastError = await errorFrom(response);
      if (!isRetryableStatus(response.status)) throw lastError;
    }
    throw lastError;
  }

  close() {
    if (this._closed) return;
    this._closed = true;
    if (this._env && typeof this._env.removeEventListener === 'function') this._env.removeEventListener('online', this._onOnline);
    this._stopAll();
    if (this._tickets) this._tickets.close();
    this._setState('closed');
  }

  /** The page goes away (`pagehide`): free the server's connection now; `resume` reconnects from the cursor. */
  suspend() {
    if (this._closed || this._suspended) return;
    this._suspended = true;
    this._stopAll();
  }

  resume() {
    if (this._closed || !this._suspended) return;
    this._suspended = false;
    this._attempt = 0;
    this._start();
  }

  /**
   * A sign that the network is back or the machine woke up: waiting out a
   * backoff, reconnect now; with `check`, an open transport must also prove
   * it is alive (a WebSocket answers a ping, a held request is reopened).
   */
  wake(check) {
    if (this._closed || this._suspended) return;
    if (this._transport) {
      if (check) this._transport.check();
      return;
    }
    clearTimeout(this._timer);
    this._attempt = 0;
    this._start('retry');
  }

  /** Plain data for a hub that takes this connection over in another tab (`restore`). */
  snapshot() {
    return { tracker: this._tracker.snapshot(), index: this._index, everOpened: this._everOpened, live: this._live };
  }

  /** Before it starts: resume where another tab's connection stood (see `snapshot`). */
  restore({ tracker, index, everOpened, live }) {
    if (live) this._live = live;
    this._tracker.restore(tracker);
    for (const channel of this._tracker.names()) this._channels.set(channel, { active: true, ready: Promise.resolve({ mode: 'new' }) });
    if (Number.isInteger(index) && index >= 0 && index < this._transports.length) this._index = index;
    this._everOpened = !!everOpened;
  }

  /** Changes of the tracker a copy elsewhere needs (not every new cursor). */
  get trackerVersion() {
    return this._tracker.version;
  }

  // ------------------------------------------------------------ internals

  _stopAll() {
    clearTimeout(this._timer);
    clearTimeout(this._restartTimer);
    this._restartPending = false;
    this._cancelClimb();
    const t = this._transport;
    this._transport = null;
    if (t) t.stop();
  }

  _isOffline() {
    const env = this._env;
    const nav = env && env.navigator !== undefined ? env.navigator : globalThis.navigator;
    return !!nav && nav.onLine === false;
  }

  _backOnline() {
    // a fallback while the network was going away says nothing about the transports
    if (!this._transport) this._index = 0;
    this.wake(true);
  }

  _poll(channels, since, timeout, signal, live) {
    return poll(this._fetch, this.url, channels, since, timeout, { baseHref: this._baseHref, withCredentials: this.options.withCredentials, signal, live });
  }

  _emitError(error) {
    this.sink.error(error);
  }

  _setState(state) {
    if (this._state === state) return;
    this._state = state;
    this.sink.state({ state, transport: this._transportName });
  }

  _announce(name, reason) {
    if (name === this._transportName) return;
    const previous = this._transportName;
    this._transportName = name;
    this.sink.transport({ transport: name, previous, reason: previous === undefined ? 'connect' : reason });
  }

  _start(reason = 'retry') {
    if (this._closed || this._suspended) return;
    const name = this._transports[this._index];
    this._announce(name, reason);
    this._setState(this._everOpened ? 'reconnecting' : 'connecting');
    const t = new TRANSPORTS[name](this);
    this._transport = t;
    t.start();
  }

  /** An HTTP transport's channels changed: reopen it from the cursor, once per turn. */
  _scheduleRestart(t) {
    if (this._restartPending || this._closed || t !== this._transport) return;
    this._restartPending = true;
    this._restartTimer = setTimeout(() => {
      this._restartPending = false;
      if (this._closed || this._transport !== t) return; // replaced or failed meanwhile
      t.stop();
      const next = new TRANSPORTS[this._transportName](this);
      this._transport = next;
      next.start();
    }, 0);
  }

  _transportOpen(t) {
    if (t === this._candidate) {
      this._promote(t);
      return;
    }
    if (t !== this._transport) return;
    this._attempt = 0;
    this._everOpened = true;
    this._setState('open');
    this._scheduleClimb();
  }

  _transportClosed(t, info = {}) {
    if (t === this._candidate) {
      this._candidate = null;
      this._scheduleClimb();
      return;
    }
    if (t !== this._transport || this._closed) return;
    this._transport = null;
    this._cancelClimb();
    const o = this.options;
    if (this._isOffline()) {
      // offline: neither fall back nor spin; `online` reconnects at once, this slow retry is a safety net
      this._setState(this._everOpened ? 'reconnecting' : 'connecting');
      this._timer = setTimeout(() => this._start(), o.maxReconnectDelay);
      return;
    }
    let delay;
    let reason = 'retry';
    if (!info.opened || info.stalled) {
      // could not connect, or stalled: fall back to the next transport; a
      // full round through all of them backs off before starting again
      this._index = (this._index + 1) % this._transports.length;
      delay = this._index === 0 ? this._backoff(o.reconnectDelay) : 0;
      reason = this._index === 0 ? 'retry' : 'fallback';
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
    this._timer = setTimeout(() => this._start(reason), delay);
  }

  _backoff(base) {
    const o = this.options;
    return computeBackoff(this._attempt++, { base, max: Math.max(base, o.maxReconnectDelay), jitter: o.jitter }, this._random);
  }

  // ------------------------------------------------- back to WebSocket
  // While on SSE or long-polling after WebSocket failed, try a WebSocket in
  // the background after a growing delay. It subscribes from the cursor while
  // the lower transport keeps delivering; the first frame it gets makes it
  // the transport and stops the other one. What both delivered is dropped as
  // a duplicate by id, and nothing falls between them: the WebSocket replays
  // from a cursor taken before the switch.

  _scheduleClimb() {
    const o = this.options;
    if (!o.climbBack || this._closed || this._suspended || this._climbTimer || this._candidate) return;
    const ws = this._transports.indexOf('websocket');
    if (ws < 0 || ws >= this._index) return; // already on WebSocket, or it is not preferred
    const base = o.climbBackDelay;
    const delay = computeBackoff(this._climbAttempt++, { base, max: Math.max(base, o.maxClimbBackDelay), jitter: o.jitter }, this._random);
    this._climbTimer = setTimeout(() => this._climb(), delay);
  }

  _climb() {
    this._climbTimer = null;
    const current = this._transport;
    if (this._closed || this._suspended || !current || !current.opened) return; // its reconnect schedules the next try
    if (this._isOffline()) {
      this._scheduleClimb();
      return;
    }
    const candidate = new WebSocketTransport(this, { candidate: true });
    this._candidate = candidate;
    candidate.start();
  }

  _promote(t) {
    this._candidate = null;
    const old = this._transport;
    this._transport = t;
    if (old) old.stop();
    this._index = this._transports.indexOf('websocket');
    this._climbAttempt = 0;
    this._attempt = 0;
    this._announce('websocket', 'climb');
    this._setState('open');
  }

  _cancelClimb() {
    clearTimeout(this._climbTimer);
    this._climbTimer = null;
    const c = this._candidate;
    this._candidate = null;
    if (c) c.stop();
  }

  // ------------------------------------------------ from the transports

  _gap(channel) {
    if (this._channels.has(channel)) this.sink.gap(channel);
  }

  _deliver(message) {
    if (!message || typeof message !== 'object' || typeof message.channel !== 'string') return;
    if (!this._channels.has(message.channel) && subscriptionsFor(this._channels.keys(), message.channel).length === 0) return;
    this.sink.message(message, this._tracker.cursor);
  }

  /**
   * The server refused a request of `count` channels as too many (its limit
   * is below `maxChannels`): keep the oldest subscriptions within its limit,
   * refuse the newest one by one, and let the transport reconnect with the rest.
   */
  _tooManyChannels(count) {
    if (count <= 1) return false;
    this._serverMaxChannels = Math.min(count - 1, this._serverMaxChannels || Infinity);
    const excess = [...this._channels.keys()].slice(this._serverMaxChannels);
    for (const channel of excess) {
      this.unsubscribe(channel);
      this.sink.refused(channel, new RealtimeError('too_many_channels', `the server allows at most ${this._serverMaxChannels} channels per connection`, { channel }));
    }
    return excess.length > 0;
  }
}
