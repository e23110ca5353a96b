// One connection shared by the tabs of a browser.

import { Connection } from './realtime-connection.js';
import { RealtimeError, errorToWire } from './realtime-protocol.js';
import { emptyLive, subscriptionsFor, unionLive } from './realtime-live.js';

/** Version of the messages between tabs and the hub; tabs and hubs of another version do not share. */
export const SHARE_PROTOCOL = 2; // 2: protocol 1.1's `live` requests and `presence` events

/**
 * Holds one Connection for many members (tabs), each with its own channels.
 * The connection subscribes to the union of their channels; what it receives
 * goes to the members subscribed to that channel, state changes to all.
 * A member is anything with the sink methods of a Connection plus
 * `share({tabs})`; several members may share one sink object (tabs reached
 * through one BroadcastChannel), which then gets each event once.
 */
export class Hub {
  constructor(url, options, { onIdle } = {}) {
    this.members = new Map(); // id -> { sink, channels: Set }
    this.version = 0; // membership changes, for copies kept by other tabs
    this.onIdle = onIdle;
    this.connection = new Connection(url, options, this);
  }

  status() {
    const c = this.connection;
    return { state: c.state, transport: c.transport, cursor: c.cursor, tabs: this.members.size };
  }

  join(id, sink) {
    const m = this.members.get(id);
    if (m) {
      m.sink = sink;
    } else {
      this.members.set(id, { sink, channels: new Set(), live: emptyLive() });
      this.version++;
    }
    this._share();
  }

  leave(id) {
    const m = this.members.get(id);
    if (!m) return;
    this.members.delete(id);
    this.version++;
    for (const channel of m.channels) this._release(channel);
    this._applyLive();
    this._share();
    if (this.members.size === 0 && this.onIdle) this.onIdle();
  }

  /**
   * Resolves `{mode: 'new'}` when this member's `since` started the channel on
   * the connection, `{mode: 'joined'}` when the connection already had it (the
   * member replays its own history, if it wants any, over HTTP).
   */
  async subscribe(id, channel, since) {
    const m = this.members.get(id);
    if (!m) throw new RealtimeError('closed', 'not a member of this hub');
    const joined = this.connection.has(channel);
    if (joined && m.channels.has(channel)) return { mode: 'joined' }; // asked again (a hand-over lost the answer)
    const ready = this.connection.subscribe(channel, since);
    m.channels.add(channel);
    this.version++;
    try {
      await ready;
    } catch (e) {
      if (m.channels.delete(channel)) this.version++;
      throw e;
    }
    return { mode: joined ? 'joined' : 'new' };
  }

  unsubscribe(id, channel) {
    const m = this.members.get(id);
    if (!m || !m.channels.delete(channel)) return;
    this.version++;
    this._release(channel);
  }

  /** A member lists the channels it holds (after a hand-over): forget the others. */
  sync(id, channels) {
    const m = this.members.get(id);
    if (!m) return;
    const keep = new Set(channels);
    for (const channel of [...m.channels]) if (!keep.has(channel)) this.unsubscribe(id, channel);
  }

  publish(id, channel, event, data, key, ephemeral) {
    return this.connection.publish(channel, event, data, key, ephemeral);
  }

  /** A member's joins and presence watches (protocol 1.1), in full; the connection holds them all. */
  setLive(id, live) {
    const m = this.members.get(id);
    if (!m) return;
    m.live = live || emptyLive();
    this.version++;
    this._applyLive();
  }

  _applyLive() {
    this.connection.setLive(unionLive([...this.members.values()].map((m) => m.live)));
  }

  wake(check) {
    this.connection.wake(check);
  }

  /** Closes the connection without telling the members (another hub takes over, or they are gone). */
  close() {
    this.members.clear();
    this.connection.close();
  }

  /** Plain data from which a hub in another tab continues: positions, transport, members. */
  snapshot() {
    return {
      connection: this.connection.snapshot(),
      members: [...this.members].map(([id, m]) => [id, [...m.channels], m.live]),
    };
  }

  /** Before it starts: continue from `snapshot`, without the member `gone` (the tab that held it). */
  restore(snapshot, sink, gone) {
    this.connection.restore(snapshot.connection);
    const live = new Set(this.connection.channels);
    for (const [id, channels, memberLive] of snapshot.members) {
      if (id !== gone) this.members.set(id, { sink, channels: new Set(channels.filter((c) => live.has(c))), live: memberLive || emptyLive() });
    }
    this._applyLive();
    for (const channel of live) this._release(channel);
    this.version++;
  }

  // --------------------------------------------- the connection's sink

  message(message, cursor) {
    for (const sink of this._sinks(message.channel)) sink.message(message, cursor);
  }

  gap(channel) {
    for (const sink of this._sinks(channel)) sink.gap(channel);
  }

  presence(event) {
    const sinks = new Set();
    for (const m of this.members.values()) if (m.sink && m.live.watches.includes(event.channel)) sinks.add(m.sink);
    for (const sink of sinks) if (sink.presence) sink.presence(event);
  }

  state(detail) {
    for (const sink of this._sinks()) sink.state(detail);
  }

  transport(detail) {
    for (const sink of this._sinks()) sink.transport(detail);
  }

  error(err) {
    const owners = err && err.channel ? this._sinks(err.channel) : new Set();
    for (const sink of owners.size ? owners : this._sinks()) sink.error(err);
  }

  refused(channel, err) {
    for (const sink of this._sinks(channel)) sink.refused(channel, err);
    for (const m of this.members.values()) if (m.channels.delete(channel)) this.version++;
  }

  // ------------------------------------------------------------ internals

  /** The distinct sinks of all members, or of those subscribed to `channel`. */
  _sinks(channel) {
    const sinks = new Set();
    for (const m of this.members.values()) {
      if (m.sink && (channel === undefined || m.channels.has(channel) || subscriptionsFor(m.channels, channel).length)) sinks.add(m.sink);
    }
    return sinks;
  }

  /** Unsubscribes the connection from a channel no member holds any more. */
  _release(channel) {
    for (const m of this.members.values()) if (m.channels.has(channel)) return;
    this.connection.unsubscribe(channel);
  }

  _share() {
    const tabs = this.members.size;
    for (const sink of this._sinks()) sink.share({ tabs });
  }
}

/**
 * A member reached through `post` (a MessagePort, or a BroadcastChannel for
 * all the tabs behind it): the events as plain messages.
 */
export function wireSink(post) {
  return {
    message: (m, cursor) => post({ t: 'msg', m, cursor }),
    gap: (channel) => post({ t: 'gap', channel }),
    presence: (e) => post({ t: 'presence', e }),
    state: (d) => post({ t: 'state', d }),
    transport: (d) => post({ t: 'transport', d }),
    error: (e) => post({ t: 'error', e: errorToWire(e) }),
    refused: (channel, e) => post({ t: 'refused', channel, e: errorToWire(e) }),
    share: (d) => post({ t: 'share', d }),
  };
}

/**
 * Runs one request of member `msg.from` on `hub`: `sub`, `unsub`, `pub`,
 * `wake`, `sync` and `bye`; `reply(msg, result, error)` answers those with a `rid`.
 */
export function serveRequest(hub, msg, reply) {
  switch (msg.t) {
    case 'sub':
      hub.subscribe(msg.from, msg.channel, msg.since).then((r) => reply(msg, r), (e) => reply(msg, undefined, e));
      break;
    case 'unsub':
      hub.unsubscribe(msg.from, msg.channel);
      break;
    case 'pub':
      hub.publish(msg.from, msg.channel, msg.event, msg.data, msg.key, msg.ephemeral).then((r) => reply(msg, r), (e) => reply(msg, undefined, e));
      break;
    case 'live':
      hub.setLive(msg.from, msg.live);
      break;
    case 'sync':
      hub.sync(msg.from, msg.channels);
      break;
    case 'wake':
      hub.wake(msg.check);
      break;
    case 'bye':
      hub.leave(msg.from);
      break;
    default:
      break;
  }
}
