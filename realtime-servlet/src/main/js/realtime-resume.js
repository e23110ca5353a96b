// Where to resume from, and which messages were already delivered.

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

  /** Forgets every key that starts with `prefix` (a wildcard pattern's matched channels). */
  forgetPrefix(prefix) {
    for (const key of [...this.channels.keys()]) if (key.startsWith(prefix)) this.channels.delete(key);
  }
}

/**
 * Where to resume each subscribed channel from. A connection cursor covers
 * the channels that were live on the connection when it was issued; a
 * channel it does not cover keeps its own `since` (given by the user, fetched
 * as an anchor, or the older cursor that did cover it).
 *
 * `version` counts changes other than a new cursor for the same channels, so
 * a copy kept elsewhere (another tab, for a hand-over) knows when to refresh.
 */
export class ResumeTracker {
  constructor() {
    this.cursor = undefined;
    this.channels = new Map(); // channel -> { covered, since }
    this.version = 0;
  }

  add(channel, since) {
    if (this.channels.has(channel)) return;
    this.channels.set(channel, { covered: false, since });
    this.version++;
  }

  remove(channel) {
    if (this.channels.delete(channel)) this.version++;
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
        if (!e.covered) this.version++;
        e.covered = true;
        e.since = undefined;
      } else if (e.covered) {
        e.covered = false;
        e.since = previous;
        this.version++;
      }
    }
    this.cursor = cursor;
  }

  /** Per-channel position, used while the connection cursor does not cover it. */
  setSince(channel, since) {
    const e = this.channels.get(channel);
    if (e && !e.covered && e.since !== since) {
      e.since = since;
      this.version++;
    }
  }

  /** Forget every cursor (after `invalid_cursor`): channels restart at "now". */
  reset() {
    this.cursor = undefined;
    for (const e of this.channels.values()) {
      e.covered = false;
      e.since = undefined;
    }
    this.version++;
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

  /** Plain data that `restore` turns back into the same positions. */
  snapshot() {
    return { cursor: this.cursor, channels: [...this.channels].map(([name, e]) => [name, e.covered, e.since]) };
  }

  restore(snapshot) {
    this.cursor = snapshot.cursor;
    this.channels = new Map(snapshot.channels.map(([name, covered, since]) => [name, { covered, since }]));
    this.version++;
  }
}
