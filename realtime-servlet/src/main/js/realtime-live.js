// Protocol 1.1 in the client: wildcard patterns, presence and the live state
// (joins and presence watches) a connection holds for its owners.

const SEGMENT_PREFIX_RE = /^[A-Za-z0-9_.:@/-]+:$/;

/** The protocol version this client asks for (a 1.0 server ignores it). */
export const PROTOCOL_VERSION = '1.1';

/** `room:*` (one more segment) or `room:**` (any more); at most 128 characters. */
export function isValidPattern(name) {
  if (typeof name !== 'string' || name.length > 128) return false;
  const any = name.endsWith(':**');
  if (!any && !name.endsWith(':*')) return false;
  const prefix = name.slice(0, name.length - (any ? 2 : 1));
  return prefix.length >= 2 && SEGMENT_PREFIX_RE.test(prefix);
}

/** Whether `channel` is one the pattern stands for (the server's rule, docs/wire-protocol-v1.md). */
export function matchesPattern(pattern, channel) {
  if (!isValidPattern(pattern) || typeof channel !== 'string') return false;
  const any = pattern.endsWith(':**');
  const prefix = pattern.slice(0, pattern.length - (any ? 2 : 1));
  return channel.length > prefix.length && channel.startsWith(prefix) && (any || channel.indexOf(':', prefix.length) < 0);
}

/** The subscription names (channels and patterns) that a message of `channel` reaches. */
export function subscriptionsFor(names, channel) {
  const out = [];
  for (const name of names) if (name === channel || (name.includes('*') && matchesPattern(name, channel))) out.push(name);
  return out;
}

/**
 * What a connection holds in presence for its owners: `joins` (channel ->
 * {member, info}) and `watches` (channels whose presence events are wanted).
 * Plain data, so it crosses tabs as it is.
 */
export function emptyLive() {
  return { joins: {}, watches: [] };
}

/** The live states of several owners as one: every watch, and for each channel the first owner's join. */
export function unionLive(states) {
  const joins = {};
  const watches = new Set();
  for (const s of states) {
    if (!s) continue;
    for (const [channel, j] of Object.entries(s.joins || {})) if (!(channel in joins)) joins[channel] = j;
    for (const w of s.watches || []) watches.add(w);
  }
  return { joins, watches: [...watches] };
}

export function sameLive(a, b) {
  return JSON.stringify(normal(a)) === JSON.stringify(normal(b));
}

function normal(s) {
  const joins = Object.entries((s && s.joins) || {}).sort(([x], [y]) => (x < y ? -1 : 1));
  return { joins, watches: [...((s && s.watches) || [])].sort() };
}

/**
 * The query parameters of `sse`, `poll` and `ws` for a live state. Over HTTP
 * a request has one `member` and one `info` for all its joins: the first
 * join's (documented in the README).
 */
export function liveParams(live) {
  const params = { v: PROTOCOL_VERSION };
  const joins = Object.entries(live.joins);
  if (live.watches.length) params.presence = [...live.watches];
  if (joins.length) {
    params.join = joins.map(([channel]) => channel);
    const first = joins[0][1];
    if (first.member !== undefined) params.member = first.member;
    if (first.info !== undefined) params.info = JSON.stringify(first.info);
  }
  return params;
}

/** WebSocket frames that take the server from live state `from` to `to`; `subscribed` lists the channels subscribed for messages. */
export function liveFrames(from, to, subscribed) {
  const frames = [];
  for (const [channel, j] of Object.entries(to.joins)) {
    const before = from.joins[channel];
    if (!before || JSON.stringify(before) !== JSON.stringify(j)) frames.push({ type: 'join', channel, member: j.member, info: j.info });
  }
  for (const channel of Object.keys(from.joins)) if (!(channel in to.joins)) frames.push({ type: 'leave', channel });
  const had = new Set(from.watches);
  const has = new Set(to.watches);
  for (const channel of has) if (!had.has(channel)) frames.push({ type: 'subscribe', channel, presence: true });
  for (const channel of had) {
    if (!has.has(channel) && !subscribed.has(channel)) frames.push({ type: 'unsubscribe', channel });
  }
  return frames;
}

/**
 * A channel's members as a client sees them: `sync` replaces the list, `join`
 * and `update` set a member, `leave` removes it.
 */
export class PresenceView {
  constructor(channel) {
    this.channel = channel;
    this.members = new Map(); // member -> info
    this.synced = false;
  }

  /** Applies an event; returns whether it changed anything a listener should hear. */
  apply(event) {
    switch (event.action) {
      case 'sync':
        this.members = new Map((event.members || []).map((m) => [m.member, m.info]));
        this.synced = true;
        return true;
      case 'join':
      case 'update':
        this.members.set(event.member, event.info);
        return true;
      case 'leave':
        return this.members.delete(event.member);
      default:
        return false;
    }
  }

  list() {
    return [...this.members].map(([member, info]) => ({ member, info }));
  }
}
