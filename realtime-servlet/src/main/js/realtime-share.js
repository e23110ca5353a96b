// One connection per browser: the tabs of an origin that use the same base
// URL and options share it. A SharedWorker holds it where the browser has
// one; elsewhere the tabs elect a leader tab with a Web Lock, and the leader
// holds it for all of them, talking over a BroadcastChannel. When the leader
// goes, the next tab takes the lock and continues from the positions the
// leader kept sending ("mirror"): the replay from there is dropped as
// duplicates by id, so nothing is lost and nothing is shown twice.

import { Connection } from './realtime-connection.js';
import { Hub, SHARE_PROTOCOL, serveRequest, wireSink } from './realtime-hub.js';
import { DEFAULT_OPTIONS, RealtimeError, buildUrl, errorFromWire, errorToWire } from './realtime-protocol.js';
import { emptyLive } from './realtime-live.js';

/** Options a tab keeps to itself; all the others must be equal for tabs to share. */
const OWN_OPTIONS = new Set(['share', 'workerUrl', 'dedupWindow']);
/** How often a leader checks whether its followers' copy of the positions is behind. */
const MIRROR_INTERVAL = 1000;

/** What this page offers for sharing: the browser's classes, or the overrides in `options` (tests). */
export function shareEnv(options) {
  const nav = globalThis.navigator;
  return {
    document: globalThis.document,
    location: globalThis.location,
    SharedWorker: options.SharedWorker || globalThis.SharedWorker,
    BroadcastChannel: options.BroadcastChannel || globalThis.BroadcastChannel,
    locks: options.locks || (nav && nav.locks),
  };
}

/**
 * The ways to share this client may try, best first: `worker`, `leader`;
 * none for `share: false`, outside a page, or with a `fetch` or `WebSocket`
 * of its own (they cannot cross to another tab or a worker) unless a mode is
 * asked for by name.
 */
export function shareModes(options, env, workerUrl) {
  const want = options.share;
  if (!want) return [];
  // a ticket callback is a page's function: it cannot serve a worker or another tab
  if (options.ticket || (want === true && (options.fetch || options.WebSocket || !env.document))) return [];
  const modes = [];
  if ((want === true || want === 'worker') && typeof env.SharedWorker === 'function' && sameOrigin(workerUrl, env.location)) modes.push('worker');
  if (typeof env.BroadcastChannel === 'function' && env.locks && typeof env.locks.request === 'function') modes.push('leader');
  return modes;
}

function sameOrigin(url, location) {
  try {
    return !!location && new URL(url).origin === location.origin;
  } catch (_) {
    return false;
  }
}

/** The options tabs must agree on to share, and a short key naming the shared connection. */
export function shareKey(base, options) {
  const shared = {};
  for (const k of Object.keys(DEFAULT_OPTIONS).sort()) if (!OWN_OPTIONS.has(k) && options[k] !== undefined) shared[k] = options[k];
  const text = JSON.stringify(shared);
  let h = 0x811c9dc5; // FNV-1a, 32 bits
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return { key: `${base} ${h.toString(36)}`, shared };
}

function newTabId() {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/**
 * A tab's way to the shared connection, with the interface of a Connection
 * (subscribe, unsubscribe, publish, wake, suspend, resume, close, cursor).
 * It tries the modes in order and falls back to a connection of its own; it
 * keeps every request until it is answered, and asks again after a hand-over.
 */
export class ShareLink {
  constructor(client, modes, env, workerUrl) {
    this.client = client;
    this.member = client._member;
    this.env = env;
    this.workerUrl = workerUrl;
    this.id = newTabId();
    this.base = buildUrl(client.url, '', {}, { baseHref: client._baseHref });
    const { key, shared } = shareKey(this.base, client.options);
    this.key = key;
    this.sharedOptions = shared;
    this.initialModes = modes;
    this.modes = [...modes];
    this.pending = new Map(); // rid -> { msg, resolve, reject }
    this.rid = 0;
    this.channels = new Set(); // what this tab wants; told to a new leader so it drops the rest
    this.live = emptyLive(); // this tab's joins and presence watches (protocol 1.1), told in full to every hub
    this.watches = new Map(); // member id -> AbortController (leader: waiting for a follower's tab lock)
    this.attempt = 0;
    this.closed = false;
    this.suspended = false;
    this._start();
  }

  get cursor() {
    return this.direct ? this.direct.cursor : this._cursor;
  }

  subscribe(channel, since) {
    if (this.direct) return this.direct.subscribe(channel, since);
    this.channels.add(channel);
    return this._request({ t: 'sub', channel, since });
  }

  unsubscribe(channel) {
    if (this.direct) {
      this.direct.unsubscribe(channel);
      return;
    }
    this.channels.delete(channel);
    // a subscribe not sent yet need never be
    for (const [rid, p] of this.pending) {
      if (p.msg.t === 'sub' && p.msg.channel === channel) {
        this.pending.delete(rid);
        p.resolve({ mode: 'gone' });
      }
    }
    this._send({ t: 'unsub', channel });
  }

  publish(channel, event, data, key, ephemeral) {
    if (this.direct) return this.direct.publish(channel, event, data, key, ephemeral);
    return this._request({ t: 'pub', channel, event, data, key, ephemeral });
  }

  setLive(live) {
    this.live = live;
    if (this.direct) this.direct.setLive(live);
    else this._send({ t: 'live', live });
  }

  wake(check) {
    if (this.direct) this.direct.wake(check);
    else this._send({ t: 'wake', check });
  }

  /** `pagehide`: leave (a leader hands over), so nothing is held for a page that may never come back. */
  suspend() {
    if (this.closed || this.suspended) return;
    this.suspended = true;
    if (this.direct) {
      this.direct.suspend();
      return;
    }
    this._teardown();
    this._releaseTabLock();
  }

  /** `pageshow` from the back/forward cache: join again; the client subscribes its channels anew. */
  resume() {
    if (this.closed || !this.suspended) return;
    this.suspended = false;
    if (this.direct) {
      this.direct.resume();
      return;
    }
    this.channels.clear();
    this.modes = [...this.initialModes];
    this._start();
    this.client._rejoin();
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    this._teardown();
    this._releaseTabLock();
    if (this.direct) this.direct.close();
    for (const p of this.pending.values()) p.reject(new RealtimeError('closed', 'the client was closed'));
    this.pending.clear();
  }

  // ------------------------------------------------------------ requests

  _request(msg) {
    return new Promise((resolve, reject) => {
      const rid = ++this.rid;
      this.pending.set(rid, { msg, resolve, reject });
      this._dispatch(rid);
    });
  }

  /** Sends a request where it can go now; otherwise it waits for the next welcome. */
  _dispatch(rid) {
    const p = this.pending.get(rid);
    if (!p) return;
    if (this.direct) {
      this.pending.delete(rid);
      const run = p.msg.t === 'sub' ? this.direct.subscribe(p.msg.channel, p.msg.since)
        : this.direct.publish(p.msg.channel, p.msg.event, p.msg.data, p.msg.key, p.msg.ephemeral);
      run.then(p.resolve, p.reject);
    } else if (this.hub) {
      serveRequest(this.hub, { ...p.msg, from: this.id, rid }, (req, ok, err) => this._settle(req.rid, ok, err));
    } else if (this.connected) {
      this.post({ ...p.msg, from: this.id, rid });
    }
  }

  _flush() {
    for (const rid of [...this.pending.keys()]) this._dispatch(rid);
  }

  _settle(rid, ok, err) {
    const p = this.pending.get(rid);
    if (!p) return;
    this.pending.delete(rid);
    if (err) p.reject(err);
    else p.resolve(ok);
  }

  /** A request without an answer; dropped while there is nobody to tell (a new leader gets `sync`). */
  _send(msg) {
    if (this.hub) {
      serveRequest(this.hub, { ...msg, from: this.id }, () => {});
      this._mirrorSoon();
    } else if (this.connected) {
      this.post({ ...msg, from: this.id });
    }
  }

  // ------------------------------------------------------------ modes

  _start() {
    this._tabLock = this._holdTabLock();
    this._tryNext();
  }

  _tryNext() {
    this._teardown();
    const mode = this.modes.shift();
    const attempt = ++this.attempt;
    this.mode = mode || 'none';
    if (mode === 'worker') this._tabLock.then(() => this._startWorker(attempt));
    else if (mode === 'leader') this._tabLock.then(() => this._startLeader(attempt));
    else this._startDirect();
  }

  /** A lock only this tab holds, while it lives: the worker or the leader learns it is gone when they get it. */
  _holdTabLock() {
    const locks = this.env.locks;
    if (!locks || typeof locks.request !== 'function') return Promise.resolve();
    return new Promise((granted) => {
      locks
        .request(`realtime-tab:${this.id}`, () => {
          granted();
          return new Promise((release) => {
            this._tabLockRelease = release;
          });
        })
        .catch(() => granted());
    });
  }

  _releaseTabLock() {
    if (this._tabLockRelease) this._tabLockRelease();
    this._tabLockRelease = undefined;
  }

  _startDirect() {
    this.direct = new Connection(this.client.url, this.client.options, this.member);
    this.direct.setLive(this.live);
    this.member.share({ mode: 'none', leader: false, tabs: 1 });
    this._flush();
  }

  _startWorker(attempt) {
    if (attempt !== this.attempt || this.closed || this.suspended) return;
    let worker;
    try {
      worker = new this.env.SharedWorker(this.workerUrl, { type: 'module', name: `realtime/${SHARE_PROTOCOL} ${this.key}` });
    } catch (e) {
      this._tryNext();
      return;
    }
    const port = worker.port;
    const failed = () => {
      if (attempt === this.attempt && !this.connected && !this.closed) this._tryNext();
    };
    worker.onerror = failed;
    this._handshakeTimer = setTimeout(failed, this.client.options.connectTimeout);
    port.onmessage = (e) => this._receive(e.data);
    port.start();
    this.port = port;
    this.post = (m) => port.postMessage(m);
    this.post({ t: 'hello', from: this.id, v: SHARE_PROTOCOL, url: this.base, options: this.sharedOptions });
  }

  _startLeader(attempt) {
    if (attempt !== this.attempt || this.closed || this.suspended) return;
    const name = `realtime/${SHARE_PROTOCOL} ${this.key}`;
    this.bc = new this.env.BroadcastChannel(name);
    this.bc.onmessage = (e) => this._receive(e.data);
    this.post = (m) => this.bc.postMessage(m);
    this.member.share({ mode: 'leader', leader: false });
    this.leaderRequest = new AbortController();
    this.env.locks
      .request(`realtime-leader:${name}`, { signal: this.leaderRequest.signal }, () => this._lead(attempt))
      .catch(() => {}); // aborted: this tab left before its turn
    this.post({ t: 'hello', from: this.id, v: SHARE_PROTOCOL });
  }

  _teardown() {
    clearTimeout(this._handshakeTimer);
    this._resignLeadership();
    if (this.leaderRequest) this.leaderRequest.abort();
    this.leaderRequest = undefined;
    if (this.post && this.connected) this.post({ t: 'bye', from: this.id });
    if (this.bc) this.bc.close();
    if (this.port) this.port.close();
    this.bc = this.port = this.post = undefined;
    this.connected = false;
  }

  // ------------------------------------------------------- from the hub

  _receive(msg) {
    if (!msg || typeof msg !== 'object' || this.closed) return;
    if (this.hub) {
      this._serveFollower(msg);
      return;
    }
    if (msg.to !== undefined && msg.to !== this.id) return;
    switch (msg.t) {
      case 'welcome':
        this._welcome(msg);
        break;
      case 'reply':
        this._settle(msg.rid, msg.ok, msg.e && errorFromWire(msg.e));
        break;
      case 'leader':
        // a new leader: introduce this tab again, then repeat what is unanswered
        this.connected = false;
        this.post({ t: 'hello', from: this.id, v: SHARE_PROTOCOL });
        break;
      case 'mirror':
        this.mirror = msg.mirror;
        break;
      case 'msg':
        this._cursor = msg.cursor;
        if (this.mirror) this.mirror.connection.tracker.cursor = msg.cursor;
        this.member.message(msg.m, msg.cursor);
        break;
      case 'gap':
        this.member.gap(msg.channel);
        break;
      case 'presence':
        this.member.presence(msg.e);
        break;
      case 'state':
        this.member.state(msg.d);
        break;
      case 'transport':
        this.member.transport(msg.d);
        break;
      case 'error':
        this.member.error(errorFromWire(msg.e));
        break;
      case 'refused':
        this.channels.delete(msg.channel);
        this.member.refused(msg.channel, errorFromWire(msg.e));
        break;
      case 'share':
        this.member.share({ ...msg.d, mode: this.mode, leader: false });
        break;
      default:
        break; // requests of other tabs, for the leader
    }
  }

  _welcome(msg) {
    if (msg.v !== SHARE_PROTOCOL) {
      this._tryNext(); // a worker of another version
      return;
    }
    clearTimeout(this._handshakeTimer);
    this.connected = true;
    if (msg.cursor !== undefined) this._cursor = msg.cursor;
    if (msg.transport) this.member.transport({ transport: msg.transport, reason: 'connect' });
    if (msg.state) this.member.state({ state: msg.state, transport: msg.transport });
    this.member.share({ mode: this.mode, leader: false, tabs: msg.tabs });
    this.post({ t: 'sync', from: this.id, channels: [...this.channels] });
    this.post({ t: 'live', from: this.id, live: this.live });
    this._flush();
  }

  // --------------------------------------------------------- as leader

  /** Web Lock granted: this tab holds the connection for all, until it leaves. */
  _lead(attempt) {
    if (attempt !== this.attempt || this.closed || this.suspended) return undefined;
    const hub = new Hub(this.client.url, this.client.options);
    this.remote = wireSink((m) => this._broadcast(m));
    if (this.mirror) hub.restore(this.mirror, this.remote, this.mirror.leader);
    this.mirror = undefined; // from now on this tab writes it
    this.hub = hub;
    this.connected = true;
    hub.join(this.id, this.member);
    hub.sync(this.id, [...this.channels]);
    hub.setLive(this.id, this.live);
    for (const id of hub.members.keys()) if (id !== this.id) this._watch(id);
    this.member.share({ mode: 'leader', leader: true, tabs: hub.members.size });
    this._mirrorSent = undefined;
    this._broadcast({ t: 'leader', id: this.id });
    this._mirrorTimer = setInterval(() => this._flushMirror(), MIRROR_INTERVAL);
    this._flush();
    return new Promise((resolve) => {
      this._resign = resolve;
    });
  }

  _serveFollower(msg) {
    const hub = this.hub;
    if (typeof msg.from !== 'string' || msg.from === this.id) return;
    switch (msg.t) {
      case 'hello':
        this._admit(msg.from);
        this._broadcast({ t: 'welcome', to: msg.from, v: SHARE_PROTOCOL, ...hub.status() });
        break;
      case 'bye':
        this._unwatch(msg.from);
        hub.leave(msg.from);
        break;
      case 'sub':
      case 'unsub':
      case 'pub':
      case 'live':
      case 'sync':
      case 'wake':
        if (!hub.members.has(msg.from)) this._admit(msg.from);
        serveRequest(hub, msg, (req, ok, err) => this._broadcast({ t: 'reply', to: req.from, rid: req.rid, ok, e: err && errorToWire(err) }));
        break;
      default:
        return; // another tab's view of the old leader's messages
    }
    this._mirrorSoon();
  }

  _admit(id) {
    this.hub.join(id, this.remote);
    this._watch(id);
  }

  _watch(id) {
    if (this.watches.has(id)) return;
    const hub = this.hub;
    const stop = new AbortController();
    this.watches.set(id, stop);
    this.env.locks
      .request(`realtime-tab:${id}`, { signal: stop.signal }, () => {
        this.watches.delete(id);
        if (this.hub === hub) {
          hub.leave(id); // that tab is gone without saying so
          this._mirrorSoon();
        }
      })
      .catch(() => {});
  }

  _unwatch(id) {
    const stop = this.watches.get(id);
    this.watches.delete(id);
    if (stop) stop.abort();
  }

  /** Every broadcast goes out after the positions it depends on. */
  _broadcast(m) {
    if (!this.bc) return;
    this._flushMirror();
    this.bc.postMessage(m);
  }

  _mirrorSoon() {
    queueMicrotask(() => this._flushMirror());
  }

  _flushMirror() {
    const hub = this.hub;
    if (!hub || !this.bc) return;
    const version = `${hub.version}.${hub.connection.trackerVersion}`;
    if (version === this._mirrorSent) return;
    this._mirrorSent = version;
    this.bc.postMessage({ t: 'mirror', mirror: { ...hub.snapshot(), leader: this.id } });
  }

  _resignLeadership() {
    const hub = this.hub;
    if (!hub) return;
    this._flushMirror();
    this.hub = undefined;
    clearInterval(this._mirrorTimer);
    for (const stop of this.watches.values()) stop.abort();
    this.watches.clear();
    hub.close();
    if (this._resign) this._resign();
    this._resign = undefined;
  }
}

/**
 * The shared worker's side: `{base}/realtime.js`, loaded as a module
 * SharedWorker, serves every tab that connects with one Hub. It closes the
 * connection when the last tab has left.
 */
export function serveSharedWorker(scope) {
  let hub = null;
  const watches = new Map();
  const locks = scope.navigator && scope.navigator.locks;
  const leave = (id) => {
    const stop = watches.get(id);
    watches.delete(id);
    if (stop) stop.abort();
    if (hub) hub.leave(id);
  };
  scope.addEventListener('connect', (event) => {
    const port = event.ports[0];
    port.onmessage = (e) => {
      const msg = e.data;
      if (!msg || typeof msg !== 'object' || typeof msg.from !== 'string') return;
      if (msg.t === 'hello') {
        if (msg.v === SHARE_PROTOCOL) welcome(port, msg);
        else port.postMessage({ t: 'welcome', to: msg.from, v: SHARE_PROTOCOL });
        return;
      }
      if (msg.t === 'bye') {
        leave(msg.from);
        return;
      }
      const reply = (req, ok, err) => port.postMessage({ t: 'reply', to: req.from, rid: req.rid, ok, e: err && errorToWire(err) });
      if (!hub || !hub.members.has(msg.from)) {
        if (msg.rid !== undefined) reply(msg, undefined, new RealtimeError('closed', 'this tab left the shared connection'));
        return;
      }
      serveRequest(hub, msg, reply);
    };
    port.start();
  });

  function welcome(port, msg) {
    const id = msg.from;
    if (!hub) {
      hub = new Hub(msg.url, { ...DEFAULT_OPTIONS, ...msg.options }, {
        onIdle: () => {
          const idle = hub;
          hub = null;
          idle.close();
        },
      });
    }
    hub.join(id, wireSink((m) => port.postMessage(m)));
    if (locks && !watches.has(id)) {
      const stop = new AbortController();
      watches.set(id, stop);
      locks.request(`realtime-tab:${id}`, { signal: stop.signal }, () => leave(id)).catch(() => {});
    }
    port.postMessage({ t: 'welcome', to: id, v: SHARE_PROTOCOL, ...hub.status() });
  }
}
