// One connection shared by several clients ("tabs"): the leader-tab mode over
// Node's BroadcastChannel and an in-memory Web Locks manager, and the hub on
// its own. Run: node --test realtime-servlet/src/test/js/
import test from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '../../main/js/realtime.js';
import { Hub } from '../../main/js/realtime-hub.js';
import { shareKey, shareModes } from '../../main/js/realtime-share.js';
import { makeFakeWebSocket, makeFakeFetch, makeFakeLocks, makeFakeWindow, msg, held, tick, until } from './fakes.mjs';

const BASE = { baseHref: 'http://h:8080/index.html', reconnectDelay: 1, jitter: 0, connectTimeout: 500 };

/** Tabs of one browser: the same server, BroadcastChannel and locks; each its own window. */
function browser(routes = {}) {
  const { FakeWebSocket, sockets } = makeFakeWebSocket();
  const history = [];
  const { fetch, requests } = makeFakeFetch({
    poll: (r) => {
      if (r.timeout !== '0') return held();
      // a replay of what the test put in `history`, after `since` (ids are positions here)
      const from = r.since === 'earliest' ? 0 : r.since && r.since.startsWith('k') ? Number(r.since.slice(1)) : history.length;
      return { messages: history.slice(from), cursor: `k${history.length}`, gaps: [] };
    },
    ...routes,
  });
  const locks = makeFakeLocks();
  const tabs = [];
  const open = (extra = {}) => {
    const client = connect('/realtime', {
      ...BASE,
      share: 'leader',
      WebSocket: FakeWebSocket,
      fetch,
      BroadcastChannel,
      locks,
      window: makeFakeWindow(),
      ...extra,
    });
    tabs.push(client);
    return client;
  };
  const closeAll = () => tabs.forEach((c) => c.close());
  return { open, closeAll, sockets, requests, history, locks };
}

function track(client) {
  const log = { got: [], states: [], shared: [], errors: [] };
  client.on('state', (d) => log.states.push(d.state));
  client.on('share', (d) => log.shared.push(d));
  client.on('error', (d) => log.errors.push(d.code));
  return log;
}

test('leader tabs: two tabs, one WebSocket; each gets its messages once; a follower publishes through the leader', async (t) => {
  const b = browser();
  t.after(b.closeAll);
  const one = b.open();
  const logOne = track(one);
  await until(() => one.shared.leader, 1000, 'the first tab leads');
  const two = b.open();
  const logTwo = track(two);
  one.subscribe('a', (m) => logOne.got.push(m.id), { since: 'earliest' });
  two.subscribe('a', (m) => logTwo.got.push(m.id), { since: 'earliest' });
  two.subscribe('b', (m) => logTwo.got.push(`b${m.id}`), { since: 'earliest' });
  const ws = await until(() => b.sockets[0], 1000, 'the leader opens the socket');
  ws.accept();
  await until(() => two.state === 'open' && one.state === 'open', 1000, 'both open');
  await until(() => ws.frames('subscribe').length === 2, 1000, 'a and b subscribed once each');
  assert.deepEqual(ws.frames('subscribe').map((f) => f.channel), ['a', 'b']);
  await until(() => two.shared.tabs === 2 && one.shared.tabs === 2, 1000, 'two tabs counted');
  assert.equal(two.shared.mode, 'leader');
  assert.equal(two.shared.leader, false);
  ws.push({ type: 'subscribed', channel: 'a' });
  ws.push({ type: 'subscribed', channel: 'b' });
  ws.push({ type: 'message', cursor: 'k1', ...msg('a', 1) });
  ws.push({ type: 'message', cursor: 'k2', ...msg('b', 1) });
  ws.push({ type: 'message', cursor: 'k2', ...msg('a', 1) }); // a duplicate
  await until(() => logTwo.got.length === 2, 1000, 'the follower got its messages');
  await tick(20);
  assert.deepEqual(logOne.got, ['1']);
  assert.deepEqual(logTwo.got, ['1', 'b1']);

  const p = two.publish('a', { text: 'hi' });
  const frame = await until(() => ws.frames('publish')[0], 1000, 'the publish went over the shared socket');
  ws.push({ type: 'ack', ref: frame.ref, channel: 'a', id: '9' });
  assert.deepEqual(await p, { channel: 'a', id: '9' });
  assert.equal(b.sockets.length, 1, 'one connection for both tabs');

  two.unsubscribe('b');
  await until(() => ws.frames('unsubscribe').length === 1, 1000, 'b released when no tab holds it');
  one.subscribe('c', () => {});
  two.unsubscribe('a');
  await tick(30);
  assert.deepEqual(ws.frames('unsubscribe').map((f) => f.channel), ['b'], 'a stays while the leader holds it');
});

test('leader tabs: a tab joining a channel another tab holds replays its own history over HTTP, then gets the live ones, each once', async (t) => {
  const b = browser();
  t.after(b.closeAll);
  const one = b.open();
  await until(() => one.shared.leader, 1000, 'leader');
  const gotOne = [];
  const ws = await until(() => b.sockets[0]);
  ws.accept();
  await one.subscribe('a', (m) => gotOne.push(m.id), { since: 'earliest' }).ready;
  assert.equal(ws.frames('subscribe').length, 1);
  ws.push({ type: 'subscribed', channel: 'a' });
  b.history.push(msg('a', 1), msg('a', 2));
  ws.push({ type: 'message', cursor: 'k1', ...msg('a', 1) });
  ws.push({ type: 'message', cursor: 'k2', ...msg('a', 2) });
  const two = b.open();
  const gotTwo = [];
  await two.subscribe('a', (m) => gotTwo.push(m.id), { since: 'earliest' }).ready;
  // a live message while the replay runs, and one the replay also returns
  b.history.push(msg('a', 3));
  ws.push({ type: 'message', cursor: 'k3', ...msg('a', 3) });
  await until(() => gotTwo.length === 3, 1000, 'history then live');
  ws.push({ type: 'message', cursor: 'k4', ...msg('a', 4) });
  await until(() => gotTwo.length === 4 && gotOne.length === 4, 1000, 'live');
  assert.deepEqual(gotTwo, ['1', '2', '3', '4']);
  assert.deepEqual(gotOne, ['1', '2', '3', '4']);
  const replay = b.requests.filter((r) => r.path === '/realtime/poll' && r.since === 'earliest');
  assert.equal(replay.length >= 1, true, 'the joining tab asked for its history itself');
  assert.equal(b.sockets.length, 1);
});

test('leader tabs: when the leader closes, another tab takes over from its position without loss or duplicate', async (t) => {
  const b = browser();
  t.after(b.closeAll);
  const one = b.open();
  await until(() => one.shared.leader, 1000, 'leader');
  const two = b.open();
  const three = b.open();
  const got = { two: [], three: [] };
  const subs = [
    one.subscribe('a', () => {}, { since: 'earliest' }),
    one.subscribe('only-one', () => {}, { since: 'earliest' }),
    two.subscribe('a', (m) => got.two.push(m.id), { since: 'earliest' }),
    three.subscribe('a', (m) => got.three.push(m.id), { since: 'earliest' }),
  ];
  const ws = await until(() => b.sockets[0]);
  ws.accept();
  await Promise.all(subs.map((s) => s.ready));
  await until(() => three.shared.tabs === 3 && two.shared.tabs === 3, 1000, 'three tabs');
  await until(() => three.state === 'open');
  ws.push({ type: 'subscribed', channel: 'a' });
  ws.push({ type: 'subscribed', channel: 'only-one' });
  for (const id of [1, 2, 3]) ws.push({ type: 'message', cursor: `k${id}`, ...msg('a', id) });
  await until(() => got.two.length === 3 && got.three.length === 3, 1000, 'before the hand-over');

  one.close();
  assert.equal(ws.closedWith, 4000, 'the old leader closed its connection');
  const ws2 = await until(() => b.sockets[1], 1000, 'the new leader reconnects');
  assert.equal(ws2.url, 'ws://h:8080/realtime/ws?channel=a&since=k3&v=1.1', 'from the last position, for the channels the remaining tabs hold');
  ws2.accept();
  ws2.push({ type: 'subscribed', channel: 'a' });
  ws2.push({ type: 'message', cursor: 'k3', ...msg('a', 3) });
  ws2.push({ type: 'message', cursor: 'k4', ...msg('a', 4) });
  await until(() => got.two.length === 4 && got.three.length === 4, 1000, 'after the hand-over');
  await tick(20);
  assert.deepEqual(got.two, ['1', '2', '3', '4']);
  assert.deepEqual(got.three, ['1', '2', '3', '4']);
  const leaders = [two, three].filter((c) => c.shared.leader);
  assert.equal(leaders.length, 1);
  await until(() => two.shared.tabs === 2 && three.shared.tabs === 2, 1000, 'two tabs');
  assert.equal(two.state, 'open');
  assert.equal(b.sockets.length, 2);
});

test('leader tabs: a tab that vanishes without a word (its lock freed) is dropped with its channels', async (t) => {
  const b = browser();
  t.after(b.closeAll);
  const one = b.open();
  await until(() => one.shared.leader, 1000, 'leader');
  const two = b.open();
  two.subscribe('gone', () => {}, { since: 'earliest' });
  const ws = await until(() => b.sockets[0]);
  ws.accept();
  await until(() => ws.frames('subscribe').length === 1, 1000, 'subscribed for the follower');
  // the follower's page dies: no `bye`, only its lock is released (what the browser does)
  two._link.post = () => {};
  two._link.bc.close();
  two._link._releaseTabLock();
  await until(() => one.shared.tabs === 1, 1000, 'the leader noticed');
  await until(() => ws.frames('unsubscribe').length === 1, 1000, 'its channel released');
});

test('hub: the channel limit counts the channels of all tabs together, and refuses only the newest', async () => {
  const { FakeWebSocket, sockets } = makeFakeWebSocket();
  const { fetch } = makeFakeFetch({ poll: () => ({ messages: [], cursor: 'p', gaps: [] }) });
  const events = { x: [], y: [] };
  const sink = (name) => ({
    message: (m) => events[name].push(['message', m.id]),
    gap: (c) => events[name].push(['gap', c]),
    state: () => {},
    transport: () => {},
    error: (e) => events[name].push(['error', e.code]),
    refused: (c, e) => events[name].push(['refused', c, e.code]),
    share: () => {},
  });
  const hub = new Hub('/realtime', { ...BASE, maxChannels: 2, WebSocket: FakeWebSocket, fetch, transports: ['websocket'], window: new EventTarget() });
  try {
    hub.join('x', sink('x'));
    hub.join('y', sink('y'));
    assert.deepEqual(await hub.subscribe('x', 'a', 'earliest'), { mode: 'new' });
    assert.deepEqual(await hub.subscribe('y', 'a', 'earliest'), { mode: 'joined' });
    await hub.subscribe('y', 'b', 'earliest');
    await assert.rejects(hub.subscribe('x', 'c', 'earliest'), (e) => e.code === 'too_many_channels');
    const ws = await until(() => sockets[0]);
    ws.accept();
    ws.push({ type: 'message', cursor: 'k1', ...msg('a', 1) });
    ws.push({ type: 'message', cursor: 'k2', ...msg('b', 1) });
    ws.push({ type: 'gap', channel: 'b' });
    assert.deepEqual(events.x, [['message', '1']]);
    assert.deepEqual(events.y, [['message', '1'], ['message', '1'], ['gap', 'b']]);
    hub.leave('y');
    await tick(10);
    assert.deepEqual(ws.frames('unsubscribe').map((f) => f.channel), ['b'], 'b had no other tab');
  } finally {
    hub.close();
  }
});

test('share: modes and the key that tells which tabs may share', () => {
  const env = { document: {}, location: new URL('http://h:8080/app/'), SharedWorker: class {}, BroadcastChannel: class {}, locks: { request() {} } };
  const worker = 'http://h:8080/app/realtime/realtime.js';
  assert.deepEqual(shareModes({ share: true }, env, worker), ['worker', 'leader']);
  assert.deepEqual(shareModes({ share: 'leader' }, env, worker), ['leader']);
  assert.deepEqual(shareModes({ share: false }, env, worker), []);
  assert.deepEqual(shareModes({ share: true }, env, 'http://other:8080/realtime/realtime.js'), ['leader'], 'a worker must be same-origin');
  assert.deepEqual(shareModes({ share: true, fetch: () => {} }, env, worker), [], 'a fetch of its own stays in its tab');
  assert.deepEqual(shareModes({ share: true }, { ...env, document: undefined }, worker), [], 'not in a page');
  assert.deepEqual(shareModes({ share: true }, { ...env, SharedWorker: undefined, locks: undefined }, worker), []);
  const a = shareKey('http://h/realtime', { transports: ['websocket', 'sse'], maxChannels: 64, dedupWindow: 10, share: true });
  const b = shareKey('http://h/realtime', { transports: ['websocket', 'sse'], maxChannels: 64, dedupWindow: 99, share: 'worker' });
  const c = shareKey('http://h/realtime', { transports: ['sse'], maxChannels: 64 });
  const d = shareKey('http://h/other', { transports: ['websocket', 'sse'], maxChannels: 64 });
  assert.equal(a.key, b.key, "a tab's own options do not matter");
  assert.notEqual(a.key, c.key, 'other transports: another connection');
  assert.notEqual(a.key, d.key, 'another base URL: another connection');
  assert.deepEqual(Object.keys(a.shared), ['maxChannels', 'transports']);
});
