// Behaviour tests of the RealtimeClient against a scripted WebSocket and fetch.
// Run: node --test realtime-servlet/src/test/js/
import test from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '../../main/js/realtime.js';
import { makeFakeWebSocket, makeFakeFetch, SseStream, sseResponse, json, msg, held, tick, until } from './fakes.mjs';

const BASE = { baseHref: 'http://h:8080/index.html', reconnectDelay: 1, jitter: 0, connectTimeout: 500 };

function record(client) {
  const log = { states: [], transports: [], gaps: [], errors: [] };
  client.on('state', (d) => log.states.push(d.state));
  client.on('transport', (d) => log.transports.push(d.transport));
  client.on('gap', (d) => log.gaps.push(d.channel));
  client.on('error', (d) => log.errors.push(d.code));
  return log;
}

function anchorRoutes(extra = {}) {
  let n = 0;
  return {
    // anchors (no since) get a fresh cursor; other quick polls find nothing new
    poll: (r) => (r.timeout !== '0' ? held() : { messages: [], cursor: r.since || `anchor-${++n}`, gaps: [] }),
    ...extra,
  };
}

test('WebSocket: subscribes with since, delivers messages once, reports transport and state', async (t) => {
  const { FakeWebSocket, sockets } = makeFakeWebSocket();
  const { fetch } = makeFakeFetch(anchorRoutes());
  const client = connect('/realtime', { ...BASE, WebSocket: FakeWebSocket, fetch });
  t.after(() => client.close());
  const log = record(client);
  const got = [];
  client.subscribe('room:1', (m) => got.push(m), { since: 'earliest' });
  const ws = await until(() => sockets[0], 1000, 'socket');
  assert.equal(ws.url, 'ws://h:8080/realtime/ws?v=1.1');
  ws.accept();
  await until(() => ws.frames('subscribe').length === 1, 1000, 'subscribe frame');
  assert.deepEqual(ws.frames('subscribe')[0], { type: 'subscribe', channel: 'room:1', since: 'earliest' });
  ws.push({ type: 'subscribed', channel: 'room:1' });
  ws.push({ type: 'message', cursor: 'k1', ...msg('room:1', 1, { text: 'a' }) });
  ws.push({ type: 'message', cursor: 'k1', ...msg('room:1', 1, { text: 'a' }) });
  ws.push({ type: 'message', cursor: 'k2', ...msg('room:1', 2, { text: 'b' }) });
  assert.deepEqual(got.map((m) => m.data.text), ['a', 'b']);
  assert.deepEqual(got[0], msg('room:1', 1, { text: 'a' }), 'the handler gets the plain message object');
  assert.equal(client.cursor, 'k2');
  assert.deepEqual(log.transports, ['websocket']);
  assert.deepEqual(log.states, ['connecting', 'open']);
  assert.equal(client.transport, 'websocket');
});

test('WebSocket: after a drop it reconnects with the channels and cursor and drops replayed duplicates', async (t) => {
  const { FakeWebSocket, sockets } = makeFakeWebSocket();
  const { fetch } = makeFakeFetch(anchorRoutes());
  const client = connect('/realtime', { ...BASE, WebSocket: FakeWebSocket, fetch });
  t.after(() => client.close());
  const log = record(client);
  const got = [];
  client.subscribe('a', (m) => got.push(m.id), { since: 'earliest' });
  const ws1 = await until(() => sockets[0]);
  ws1.accept();
  ws1.push({ type: 'subscribed', channel: 'a' });
  ws1.push({ type: 'message', cursor: 'k1', ...msg('a', 1) });
  ws1.push({ type: 'message', cursor: 'k2', ...msg('a', 2) });
  ws1.drop(1006);
  const ws2 = await until(() => sockets[1], 1000, 'second socket');
  assert.equal(ws2.url, 'ws://h:8080/realtime/ws?channel=a&since=k2&v=1.1');
  ws2.accept();
  assert.deepEqual(ws2.frames('subscribe'), [], 'connect-time channels are not subscribed again');
  ws2.push({ type: 'subscribed', channel: 'a' });
  ws2.push({ type: 'message', cursor: 'k2', ...msg('a', 2) });
  ws2.push({ type: 'message', cursor: 'k3', ...msg('a', 3) });
  assert.deepEqual(got, ['1', '2', '3']);
  assert.deepEqual(log.states, ['connecting', 'open', 'reconnecting', 'open']);
  assert.deepEqual(log.transports, ['websocket'], 'a drop after open retries the same transport');
});

test('WebSocket: a channel added later resumes from its anchor until a cursor covers it', async (t) => {
  const { FakeWebSocket, sockets } = makeFakeWebSocket();
  const { fetch, requests } = makeFakeFetch(anchorRoutes());
  const client = connect('/realtime', { ...BASE, WebSocket: FakeWebSocket, fetch });
  t.after(() => client.close());
  client.subscribe('a', () => {}, { since: 'earliest' });
  const ws1 = await until(() => sockets[0]);
  ws1.accept();
  ws1.push({ type: 'subscribed', channel: 'a' });
  ws1.push({ type: 'message', cursor: 'k1', ...msg('a', 1) });
  const sub = client.subscribe('b', () => {});
  await sub.ready;
  const anchor = requests.find((r) => r.path === '/realtime/poll');
  assert.deepEqual([anchor.channels, anchor.since, anchor.timeout], [['b'], null, '0']);
  assert.deepEqual(ws1.frames('subscribe').at(-1), { type: 'subscribe', channel: 'b', since: 'anchor-1' });
  ws1.push({ type: 'subscribed', channel: 'b' });
  ws1.drop();
  const ws2 = await until(() => sockets[1]);
  assert.equal(ws2.url, 'ws://h:8080/realtime/ws?channel=a&since=k1&v=1.1', 'k1 does not cover b');
  ws2.accept();
  assert.deepEqual(ws2.frames('subscribe'), [{ type: 'subscribe', channel: 'b', since: 'anchor-1' }]);
  ws2.push({ type: 'subscribed', channel: 'a' });
  ws2.push({ type: 'subscribed', channel: 'b' });
  ws2.push({ type: 'message', cursor: 'k9', ...msg('b', 7) });
  ws2.drop();
  const ws3 = await until(() => sockets[2]);
  assert.equal(ws3.url, 'ws://h:8080/realtime/ws?channel=a&channel=b&since=k9&v=1.1');
});

test('WebSocket: publish resolves with the ack and rejects with the error code', async (t) => {
  const { FakeWebSocket, sockets } = makeFakeWebSocket();
  const { fetch, requests } = makeFakeFetch(anchorRoutes());
  const client = connect('/realtime', { ...BASE, WebSocket: FakeWebSocket, fetch });
  t.after(() => client.close());
  const ws = await until(() => sockets[0]);
  ws.accept();
  await until(() => client.state === 'open');
  const p1 = client.publish('room:1', { text: 'hi' }, { event: 'chat' });
  const p2 = client.publish('room:1', 'x'.repeat(10));
  const [f1, f2] = ws.frames('publish');
  assert.deepEqual({ ...f1, ref: undefined, idempotencyKey: undefined }, { type: 'publish', channel: 'room:1', event: 'chat', data: { text: 'hi' }, ref: undefined, idempotencyKey: undefined });
  assert.notEqual(f1.ref, f2.ref);
  assert.match(f1.idempotencyKey, /^[A-Za-z0-9_.:-]{1,128}$/);
  assert.notEqual(f1.idempotencyKey, f2.idempotencyKey);
  ws.push({ type: 'error', ref: f2.ref, code: 'payload_too_large', message: 'too big', channel: 'room:1' });
  ws.push({ type: 'ack', ref: f1.ref, id: '17', channel: 'room:1' });
  assert.deepEqual(await p1, { channel: 'room:1', id: '17' });
  await assert.rejects(p2, (e) => e.code === 'payload_too_large');
  assert.equal(requests.filter((r) => r.method === 'POST').length, 0, 'nothing went over HTTP');
  await assert.rejects(client.publish('bad channel', 1), (e) => e.code === 'invalid_channel');
  await assert.rejects(client.publish('a', 1, { event: 'gap' }), (e) => e.code === 'invalid_event');
});

test('WebSocket: a publish in flight when the socket drops is retried over HTTP with the same idempotency key', async (t) => {
  const { FakeWebSocket, sockets } = makeFakeWebSocket();
  const posts = [];
  const { fetch } = makeFakeFetch(
    anchorRoutes({
      publish: (r) => {
        posts.push(r);
        return { channel: 'a', id: '9' };
      },
    }),
  );
  const client = connect('/realtime', { ...BASE, WebSocket: FakeWebSocket, fetch, reconnectDelay: 60000 });
  t.after(() => client.close());
  const ws = await until(() => sockets[0]);
  ws.accept();
  await until(() => client.state === 'open');
  const p = client.publish('a', { n: 1 });
  const frame = ws.frames('publish')[0];
  ws.drop();
  assert.deepEqual(await p, { channel: 'a', id: '9' });
  assert.equal(posts.length, 1);
  assert.equal(posts[0].headers['Idempotency-Key'], frame.idempotencyKey);
  assert.equal(posts[0].body, '{"n":1}');
});

test('WebSocket: close() rejects a publish still waiting for its ack', async (t) => {
  const { FakeWebSocket, sockets } = makeFakeWebSocket();
  const { fetch } = makeFakeFetch(anchorRoutes());
  const client = connect('/realtime', { ...BASE, WebSocket: FakeWebSocket, fetch });
  const ws = await until(() => sockets[0]);
  ws.accept();
  await until(() => client.state === 'open');
  const p = client.publish('a', 1);
  client.close();
  await assert.rejects(p, (e) => e.code === 'closed');
});

test('WebSocket: unsubscribe sends a frame and stops delivery', async (t) => {
  const { FakeWebSocket, sockets } = makeFakeWebSocket();
  const { fetch } = makeFakeFetch(anchorRoutes());
  const client = connect('/realtime', { ...BASE, WebSocket: FakeWebSocket, fetch });
  t.after(() => client.close());
  const got = [];
  const sub = client.subscribe('a', (m) => got.push(m.id), { since: 'earliest' });
  const ws = await until(() => sockets[0]);
  ws.accept();
  await sub.ready;
  ws.push({ type: 'subscribed', channel: 'a' });
  ws.push({ type: 'message', cursor: 'k1', ...msg('a', 1) });
  sub.unsubscribe();
  assert.deepEqual(ws.frames('unsubscribe'), [{ type: 'unsubscribe', channel: 'a' }]);
  ws.push({ type: 'message', cursor: 'k2', ...msg('a', 2) });
  assert.deepEqual(got, ['1']);
  assert.deepEqual(client.channels, []);
});

test('WebSocket: ping when idle, fall back when nothing answers', async (t) => {
  const { FakeWebSocket, sockets } = makeFakeWebSocket();
  const stream = new SseStream();
  const { fetch, requests } = makeFakeFetch(anchorRoutes({ sse: () => sseResponse(stream) }));
  const client = connect('/realtime', { ...BASE, WebSocket: FakeWebSocket, fetch, pingInterval: 30, pingTimeout: 30 });
  t.after(() => client.close());
  const log = record(client);
  client.subscribe('a', () => {}, { since: 'earliest' });
  const ws = await until(() => sockets[0]);
  ws.accept();
  await until(() => ws.frames('ping').length === 1, 1000, 'ping');
  await until(() => requests.some((r) => r.path === '/realtime/sse'), 1000, 'SSE after the stall');
  assert.equal(ws.closedWith, 4000);
  assert.deepEqual(log.transports, ['websocket', 'sse']);
});

test('falls back to SSE when the WebSocket constructor throws, and resumes from the SSE id', async (t) => {
  const { FakeWebSocket } = makeFakeWebSocket({ refuse: true });
  const streams = [];
  const { fetch, requests } = makeFakeFetch(
    anchorRoutes({
      sse: () => {
        const s = new SseStream();
        streams.push(s);
        return sseResponse(s);
      },
    }),
  );
  const client = connect('/realtime', { ...BASE, WebSocket: FakeWebSocket, fetch });
  t.after(() => client.close());
  const log = record(client);
  const got = [];
  client.subscribe('room:1', (m) => got.push(m.id));
  const s1 = await until(() => streams[0], 1000, 'SSE request');
  const r1 = requests.find((r) => r.path === '/realtime/sse');
  assert.deepEqual([r1.channels, r1.since], [['room:1'], 'anchor-1'], 'resumes from the anchor fetched at subscribe');
  assert.equal(r1.headers.Accept, 'text/event-stream');
  s1.write('retry: 5\n\n');
  await until(() => client.state === 'open');
  s1.write('event: gap\ndata: {"channel":"room:1"}\n\n');
  s1.message(msg('room:1', 1), 'c1');
  s1.message(msg('room:1', 2, null, { event: 'typing' }), 'c2');
  s1.write(': heartbeat\n\n');
  await until(() => got.length === 2 && log.gaps.length === 1, 1000, 'messages');
  s1.end();
  const s2 = await until(() => streams[1], 1000, 'reconnect');
  const r2 = requests.filter((r) => r.path === '/realtime/sse')[1];
  assert.deepEqual([r2.channels, r2.since], [['room:1'], 'c2']);
  s2.write('retry: 5\n\n');
  s2.message(msg('room:1', 2), 'c2');
  s2.message(msg('room:1', 3), 'c3');
  await until(() => got.length === 3);
  await tick(20);
  assert.deepEqual(got, ['1', '2', '3']);
  assert.deepEqual(log.gaps, ['room:1']);
  assert.deepEqual(log.transports, ['websocket', 'sse']);
  assert.deepEqual(log.states, ['connecting', 'open', 'reconnecting', 'open']);
});

test('falls back when the WebSocket never opens (connect timeout)', async (t) => {
  const { FakeWebSocket, sockets } = makeFakeWebSocket();
  const { fetch } = makeFakeFetch(anchorRoutes());
  const client = connect('/realtime', { ...BASE, connectTimeout: 40, WebSocket: FakeWebSocket, fetch, transports: ['websocket', 'longpoll'] });
  t.after(() => client.close());
  const log = record(client);
  await until(() => sockets[0]);
  await until(() => log.transports.length === 2, 1000, 'fallback');
  assert.deepEqual(log.transports, ['websocket', 'longpoll']);
  assert.equal(sockets[0].closedWith, 4000, 'the pending socket is abandoned');
});

test('SSE: a stalled stream (no event, no heartbeat) falls back to long-polling with the cursor', async (t) => {
  const stream = new SseStream();
  const polls = [];
  const sse = [];
  const { fetch } = makeFakeFetch({
    sse: (r) => {
      sse.push(r);
      return sseResponse(stream);
    },
    poll: (r) => {
      polls.push(r);
      if (r.since === 's2' && r.timeout === '0') return { messages: [msg('a', 2), msg('a', 3)], cursor: 'p3', gaps: [] };
      return held();
    },
  });
  const client = connect('/realtime', { ...BASE, fetch, transports: ['sse', 'longpoll'], sseStallTimeout: 80 });
  t.after(() => client.close());
  const log = record(client);
  const got = [];
  client.subscribe('a', (m) => got.push(m.id), { since: 'earliest' });
  await until(() => sse.length === 1);
  assert.equal(sse[0].since, 'earliest');
  stream.write('retry: 3000\n\n');
  stream.message(msg('a', 1), 's1');
  for (let i = 0; i < 3; i++) {
    await tick(40);
    stream.write(':\n'); // heartbeats keep it alive
  }
  stream.message(msg('a', 2), 's2');
  assert.deepEqual(log.transports, ['sse'], 'heartbeats count as traffic');
  // nothing more: the stream stalls
  await until(() => log.transports.includes('longpoll'), 2000, 'fallback');
  const first = await until(() => polls.find((p) => p.since === 's2'), 1000, 'poll with the SSE cursor');
  assert.deepEqual([first.channels, first.timeout], [['a'], '0']);
  await until(() => got.length === 3);
  await until(() => polls.some((p) => p.since === 'p3' && p.timeout === '25000'), 1000, 'held poll');
  assert.deepEqual(got, ['1', '2', '3']);
  assert.ok(stream.cancelled, 'the stalled stream was cancelled');
});

test('SSE: subscribing while connected reconnects with the cursor and replays the new channel once', async (t) => {
  const streams = [];
  const sseRequests = [];
  const { fetch, requests } = makeFakeFetch({
    sse: (r) => {
      sseRequests.push(r);
      const s = new SseStream();
      streams.push(s);
      return sseResponse(s);
    },
    poll: (r) => {
      if (r.channels[0] === 'b' && r.since === 'earliest') return { messages: [msg('b', 1), msg('b', 2)], cursor: 'pb2', gaps: [] };
      if (r.channels[0] === 'b' && r.since === 'pb2') return { messages: [], cursor: 'pb2', gaps: [] };
      return { messages: [], cursor: 'x', gaps: [] };
    },
  });
  const client = connect('/realtime', { ...BASE, fetch, transports: ['sse'] });
  t.after(() => client.close());
  const got = [];
  client.subscribe('a', (m) => got.push(`${m.channel}#${m.id}`), { since: 'earliest' });
  const s1 = await until(() => streams[0]);
  s1.write('retry: 3000\n\n');
  s1.message(msg('a', 1), 'c1');
  await until(() => got.length === 1);
  assert.equal(requests.filter((r) => r.path === '/realtime/poll').length, 0, 'one channel: no catch-up poll');
  client.subscribe('b', (m) => got.push(`${m.channel}#${m.id}`), { since: 'earliest' });
  const s2 = await until(() => streams[1], 1000, 'reconnect for the new channel');
  assert.ok(s1.cancelled, 'the old stream was closed');
  assert.deepEqual([sseRequests[1].channels, sseRequests[1].since], [['a', 'b'], 'c1']);
  // a live message on b arrives before the replay of b's history finished
  s2.write('retry: 3000\n\n');
  s2.message(msg('b', 2), 'c2');
  s2.message(msg('b', 3), 'c3');
  await until(() => got.length === 4, 1000, 'b history then live');
  assert.deepEqual(got, ['a#1', 'b#1', 'b#2', 'b#3']);
  assert.equal(client.cursor, 'c3');
});

test('long-polling: chains cursors, reports gaps, reconnects after an error', async (t) => {
  const script = [
    { messages: [msg('a', 5)], cursor: 'l1', gaps: ['a'] },
    { messages: [msg('a', 6), msg('a', 7)], cursor: 'l2', gaps: [] },
    () => json(503, { error: 'overloaded', message: 'busy' }),
    { messages: [msg('a', 7), msg('a', 8)], cursor: 'l3', gaps: [] },
  ];
  const polls = [];
  const { fetch } = makeFakeFetch({
    poll: (r) => {
      polls.push(r);
      const next = script.shift();
      if (!next) return held();
      return typeof next === 'function' ? next() : next;
    },
  });
  const client = connect('http://other:9/app/realtime', { ...BASE, fetch, transports: ['longpoll'] });
  t.after(() => client.close());
  const log = record(client);
  const got = [];
  client.subscribe('a', (m) => got.push(m.id), { since: 'earliest' });
  await until(() => got.length === 4, 2000, 'all messages');
  await until(() => polls.length === 5);
  assert.equal(polls[0].url.origin + polls[0].path, 'http://other:9/app/realtime/poll');
  assert.deepEqual(
    polls.map((p) => [p.since, p.timeout]),
    [
      ['earliest', '0'],
      ['l1', '25000'],
      ['l2', '25000'],
      ['l2', '0'],
      ['l3', '25000'],
    ],
  );
  assert.deepEqual(got, ['5', '6', '7', '8']);
  assert.deepEqual(log.gaps, ['a']);
  assert.deepEqual(log.states, ['connecting', 'open', 'reconnecting', 'open']);
});

test('long-polling: an unparseable cursor is dropped and reported, not retried forever', async (t) => {
  const polls = [];
  const { fetch } = makeFakeFetch({
    poll: (r) => {
      polls.push(r);
      if (r.since === 'bogus') return json(400, { error: 'invalid_cursor', message: 'bad cursor' });
      return r.timeout === '0' ? { messages: [], cursor: 'ok', gaps: [] } : held();
    },
  });
  const client = connect('/realtime', { ...BASE, fetch, transports: ['longpoll'] });
  t.after(() => client.close());
  const log = record(client);
  client.subscribe('a', () => {}, { since: 'bogus' });
  await until(() => polls.some((p) => p.since === 'ok'), 2000, 'polling resumed');
  assert.ok(log.errors.includes('invalid_cursor'));
  assert.equal(polls.filter((p) => p.since === 'bogus').length, 1);
});

test('HTTP publish: JSON body, idempotency key kept across retries, protocol error codes', async (t) => {
  const posts = [];
  let failures = 2;
  const { fetch } = makeFakeFetch({
    poll: () => held(),
    publish: (r) => {
      posts.push(r);
      if (r.url.searchParams.get('channel') === 'locked') return json(403, { error: 'forbidden', message: 'no' });
      if (failures-- > 0) return failures === 1 ? json(503, { error: 'overloaded', message: 'busy' }) : Promise.reject(new TypeError('network'));
      return { channel: 'room:1', id: '42' };
    },
  });
  const client = connect('/realtime', { ...BASE, fetch, transports: ['longpoll'], publishRetryDelay: 5 });
  t.after(() => client.close());
  const ack = await client.publish('room:1', { nick: 'ann', text: 'hi' }, { event: 'message' });
  assert.deepEqual(ack, { channel: 'room:1', id: '42' });
  assert.equal(posts.length, 3);
  for (const p of posts) {
    assert.equal(p.method, 'POST');
    assert.equal(p.url.pathname, '/realtime/publish');
    assert.deepEqual([p.url.searchParams.get('channel'), p.url.searchParams.get('event')], ['room:1', 'message']);
    assert.equal(p.headers['Content-Type'], 'application/json');
    assert.equal(p.body, '{"nick":"ann","text":"hi"}');
  }
  const keys = new Set(posts.map((p) => p.headers['Idempotency-Key']));
  assert.equal(keys.size, 1, 'one key for all retries');
  assert.match([...keys][0], /^[A-Za-z0-9_.:-]{1,128}$/);
  const before = posts.length;
  await assert.rejects(client.publish('locked', null), (e) => e.code === 'forbidden' && e.status === 403);
  assert.equal(posts.length, before + 1, 'a 4xx is not retried');
  await client.publish('room:1', 1).catch(() => {});
  assert.notEqual(posts.at(-1).headers['Idempotency-Key'], [...keys][0], 'a new publish gets a new key');
});

test('close() stops the transport and reports closed; a full failed round backs off', async (t) => {
  const { FakeWebSocket, sockets } = makeFakeWebSocket();
  const { fetch, requests } = makeFakeFetch({ sse: () => json(503, { error: 'overloaded', message: 'x' }), poll: () => json(503, { error: 'overloaded', message: 'x' }) });
  const client = connect('/realtime', { ...BASE, WebSocket: FakeWebSocket, fetch, anchor: false, reconnectDelay: 200 });
  const log = record(client);
  client.subscribe('a', () => {});
  const ws = await until(() => sockets[0]);
  ws.drop(1006); // refused before open
  await until(() => log.transports.length === 3, 1000, 'sse then longpoll');
  assert.deepEqual(log.transports, ['websocket', 'sse', 'longpoll']);
  await tick(80);
  assert.equal(sockets.length, 1, 'after a full round the client waits before trying again');
  await until(() => sockets.length === 2, 1000, 'next round');
  assert.deepEqual(log.transports.slice(-1), ['websocket']);
  client.close();
  assert.equal(client.state, 'closed');
  assert.equal(log.states.at(-1), 'closed');
  assert.equal(sockets[1].closedWith, 4000);
  const count = requests.length + sockets.length;
  await tick(300);
  assert.equal(requests.length + sockets.length, count, 'nothing happens after close');
  assert.throws(() => client.subscribe('b', () => {}), (e) => e.code === 'closed');
});

test('subscribe validates its arguments; handler errors are reported, not thrown', async (t) => {
  const { FakeWebSocket, sockets } = makeFakeWebSocket();
  const { fetch } = makeFakeFetch(anchorRoutes());
  const client = connect('/realtime', { ...BASE, WebSocket: FakeWebSocket, fetch });
  t.after(() => client.close());
  const log = record(client);
  assert.throws(() => client.subscribe('no spaces', () => {}), (e) => e.code === 'invalid_channel');
  assert.throws(() => client.subscribe('a'), TypeError);
  const got = [];
  client.subscribe('a', () => {
    throw new Error('boom');
  }, { since: 'earliest' });
  client.subscribe('a', (m) => got.push(m.id));
  const ws = await until(() => sockets[0]);
  ws.accept();
  ws.push({ type: 'subscribed', channel: 'a' });
  ws.push({ type: 'message', cursor: 'k1', ...msg('a', 1) });
  assert.deepEqual(got, ['1'], 'the second handler still ran');
  assert.deepEqual(log.errors, ['handler_error']);
  assert.throws(() => connect('/x', { transports: ['carrier-pigeon'] }), (e) => e.code === 'no_transport');
});

test('WebSocket: a refused subscribe cursor restarts that channel at "now" and is reported', async (t) => {
  const { FakeWebSocket, sockets } = makeFakeWebSocket();
  const { fetch } = makeFakeFetch(anchorRoutes());
  const client = connect('/realtime', { ...BASE, WebSocket: FakeWebSocket, fetch });
  t.after(() => client.close());
  const log = record(client);
  client.subscribe('a', () => {}, { since: 'not-a-cursor' });
  const ws = await until(() => sockets[0]);
  ws.accept();
  await until(() => ws.frames('subscribe').length === 1);
  ws.push({ type: 'error', code: 'invalid_cursor', message: 'bad', channel: 'a' });
  assert.deepEqual(ws.frames('subscribe'), [
    { type: 'subscribe', channel: 'a', since: 'not-a-cursor' },
    { type: 'subscribe', channel: 'a' },
  ]);
  assert.deepEqual(log.errors, ['invalid_cursor']);
});

test('SSE: a catch-up replay that never answers stalls the transport; the channel keeps its position', async (t) => {
  const streams = [];
  const polls = [];
  const { fetch } = makeFakeFetch({
    sse: () => {
      const s = new SseStream();
      streams.push(s);
      return sseResponse(s);
    },
    poll: (r) => {
      polls.push(r);
      if (r.since === 'pb') {
        // the first catch-up of b hangs; a later one answers
        return polls.filter((p) => p.since === 'pb').length === 1 ? held() : { messages: [msg('b', 5)], cursor: 'pb5', gaps: [] };
      }
      if (r.since === 'pb5') return { messages: [], cursor: 'pb5', gaps: [] };
      if (r.timeout === '0') return { messages: [], cursor: 'lp1', gaps: [] };
      return held();
    },
  });
  const client = connect('/realtime', { ...BASE, connectTimeout: 80, fetch, transports: ['sse', 'longpoll'] });
  t.after(() => client.close());
  const log = record(client);
  const got = [];
  client.subscribe('a', (m) => got.push(`${m.channel}#${m.id}`), { since: 'earliest' });
  const s1 = await until(() => streams[0]);
  s1.write('retry: 3000\n\n');
  s1.message(msg('a', 1), 'c1');
  await until(() => got.length === 1);
  client.subscribe('b', (m) => got.push(`${m.channel}#${m.id}`), { since: 'pb' });
  const s2 = await until(() => streams[1]);
  s2.write('retry: 3000\n\n');
  s2.message(msg('b', 5), 'c2'); // live, but b is still catching up: held back
  await until(() => log.transports.includes('longpoll'), 1000, 'fallback after the hung catch-up');
  // long-polling resumes a from c2 (which does not cover b) and replays b from its own position
  await until(() => got.includes('b#5'), 1000, 'b replayed');
  assert.deepEqual(got, ['a#1', 'b#5']);
  const first = polls.find((p) => p.channels.length === 2);
  assert.deepEqual([first.channels, first.since, first.timeout], [['a', 'b'], 'c2', '0']);
  assert.equal(polls.filter((p) => p.since === 'pb').length, 2, 'b was replayed from its own position again');
});

test('an `online` event reconnects at once instead of waiting out the backoff', async (t) => {
  const { FakeWebSocket, sockets } = makeFakeWebSocket();
  const { fetch } = makeFakeFetch(anchorRoutes());
  const win = new EventTarget();
  const client = connect('/realtime', { ...BASE, WebSocket: FakeWebSocket, fetch, window: win, reconnectDelay: 60000, transports: ['websocket'] });
  t.after(() => client.close());
  const ws = await until(() => sockets[0]);
  ws.accept();
  await until(() => client.state === 'open');
  ws.drop();
  await tick(30);
  assert.equal(sockets.length, 1, 'waiting out a long backoff');
  win.dispatchEvent(new Event('online'));
  await until(() => sockets.length === 2, 500, 'reconnect on online');
  sockets[1].accept();
  await until(() => client.state === 'open');
  win.dispatchEvent(new Event('online'));
  await tick(20);
  assert.equal(sockets.length, 2, 'no extra connection while connected');
});

// After a gap the server's ids may start again (a restart that lost history, a
// Redis that lost its data): remembered ids of that channel must be forgotten,
// or every new message whose id was seen before is dropped silently.
test('WebSocket: after a gap, ids seen before the gap are delivered again', async (t) => {
  const { FakeWebSocket, sockets } = makeFakeWebSocket();
  const { fetch } = makeFakeFetch(anchorRoutes());
  const client = connect('/realtime', { ...BASE, WebSocket: FakeWebSocket, fetch });
  t.after(() => client.close());
  const log = record(client);
  const got = [];
  client.subscribe('a', (m) => got.push(m.id), { since: 'earliest' });
  client.subscribe('b', (m) => got.push('b' + m.id), { since: 'earliest' });
  const ws = await until(() => sockets[0], 1000, 'socket');
  ws.accept();
  await until(() => ws.frames('subscribe').length === 2, 1000, 'subscribe frames');
  for (const id of [1, 2, 3]) ws.push({ type: 'message', cursor: `k${id}`, ...msg('a', id) });
  ws.push({ type: 'message', cursor: 'k4', ...msg('b', 1) });
  ws.push({ type: 'gap', channel: 'a' });
  for (const id of [1, 2, 3, 4]) ws.push({ type: 'message', cursor: `n${id}`, ...msg('a', id) });
  ws.push({ type: 'message', cursor: 'n5', ...msg('b', 1) });
  await until(() => got.length === 8, 1000, 'messages after the gap');
  await tick(20);
  assert.deepEqual(got, ['1', '2', '3', 'b1', '1', '2', '3', '4'], 'a forgets its ids; b, without a gap, still drops its duplicate');
  assert.deepEqual(log.gaps, ['a']);
});

test('SSE: after a gap event, ids seen before the gap are delivered again', async (t) => {
  const streams = [];
  const { fetch } = makeFakeFetch(
    anchorRoutes({
      sse: () => {
        const s = new SseStream();
        streams.push(s);
        return sseResponse(s);
      },
    }),
  );
  const client = connect('/realtime', { ...BASE, fetch, transports: ['sse'] });
  t.after(() => client.close());
  const log = record(client);
  const got = [];
  client.subscribe('a', (m) => got.push(m.id));
  const s = await until(() => streams[0], 1000, 'SSE request');
  s.write('retry: 5\n\n');
  for (const id of [1, 2, 3]) s.message(msg('a', id), `c${id}`);
  s.write('event: gap\ndata: {"channel":"a"}\n\n');
  for (const id of [1, 2]) s.message(msg('a', id), `d${id}`);
  await until(() => got.length === 5, 1000, 'messages after the gap');
  assert.deepEqual(got, ['1', '2', '3', '1', '2']);
  assert.deepEqual(log.gaps, ['a']);
});

test('long-polling: after a reported gap, ids seen before the gap are delivered again', async (t) => {
  const script = [
    { messages: [msg('a', 1), msg('a', 2)], cursor: 'l1', gaps: [] },
    { messages: [msg('a', 1), msg('a', 2), msg('a', 3)], cursor: 'l2', gaps: ['a'] },
  ];
  const { fetch } = makeFakeFetch({
    poll: () => script.shift() || held(),
  });
  const client = connect('/realtime', { ...BASE, fetch, transports: ['longpoll'] });
  t.after(() => client.close());
  const log = record(client);
  const got = [];
  client.subscribe('a', (m) => got.push(m.id), { since: 'earliest' });
  await until(() => got.length === 5, 2000, 'messages after the gap');
  assert.deepEqual(got, ['1', '2', '1', '2', '3']);
  assert.deepEqual(log.gaps, ['a']);
});

// One channel too many must be refused alone: on SSE and long-polling every
// channel shares one request, and a refused request stopped them all.
test('SSE: a channel over maxChannels is refused alone; the others keep flowing', async (t) => {
  const streams = [];
  const { fetch, requests } = makeFakeFetch(
    anchorRoutes({
      sse: () => {
        const s = new SseStream();
        streams.push(s);
        return sseResponse(s);
      },
    }),
  );
  const client = connect('/realtime', { ...BASE, fetch, transports: ['sse'], anchor: false });
  t.after(() => client.close());
  const log = [];
  client.on('error', (d) => log.push([d.code, d.channel]));
  const got = [];
  for (let i = 0; i < 64; i++) client.subscribe(`c${i}`, (m) => got.push(m.id));
  const extra = client.subscribe('c64', () => {});
  await assert.rejects(extra.ready, (e) => e.code === 'too_many_channels');
  assert.deepEqual(log, [['too_many_channels', 'c64']]);
  assert.equal(client.channels.length, 64);
  assert.ok(!client.channels.includes('c64'));
  const s = await until(() => streams[0], 1000, 'SSE request');
  const r = requests.find((q) => q.path === '/realtime/sse');
  assert.equal(r.channels.length, 64);
  s.write('retry: 5\n\n');
  s.message(msg('c0', 1), 'k1');
  await until(() => got.length === 1, 1000, 'a message on a live channel');
  assert.equal(client.state, 'open');
});

test('long-polling: a server limit below maxChannels refuses the newest channel alone, then polling goes on', async (t) => {
  const polls = [];
  const { fetch } = makeFakeFetch({
    poll: (r) => {
      polls.push(r);
      if (r.channels.length > 3) return json(400, { error: 'too_many_channels', message: 'at most 3' });
      if (r.timeout === '0') return { messages: [msg('a', 1)], cursor: 'p1', gaps: [] };
      return held();
    },
  });
  const client = connect('/realtime', { ...BASE, fetch, transports: ['longpoll'], anchor: false });
  t.after(() => client.close());
  const errors = [];
  client.on('error', (d) => errors.push([d.code, d.channel]));
  const got = [];
  for (const ch of ['a', 'b', 'c', 'd']) client.subscribe(ch, (m) => got.push(m.channel + m.id));
  await until(() => got.length === 1, 2000, 'messages after the refusal');
  assert.deepEqual(got, ['a1']);
  assert.deepEqual(errors, [['too_many_channels', 'd']]);
  assert.deepEqual(client.channels, ['a', 'b', 'c']);
  assert.deepEqual(polls.at(-1).channels, ['a', 'b', 'c']);
  // the limit learned from the server applies to later subscriptions too
  await assert.rejects(client.subscribe('e', () => {}).ready, (e) => e.code === 'too_many_channels');
});

test('an `online` event checks a WebSocket believed open: no answer to its ping, and it reconnects', async (t) => {
  const { FakeWebSocket, sockets } = makeFakeWebSocket();
  const { fetch } = makeFakeFetch(anchorRoutes());
  const win = new EventTarget();
  const client = connect('/realtime', { ...BASE, WebSocket: FakeWebSocket, fetch, window: win, onlineCheckTimeout: 50, transports: ['websocket'] });
  t.after(() => client.close());
  const ws = await until(() => sockets[0]);
  ws.accept();
  await until(() => client.state === 'open');
  win.dispatchEvent(new Event('online'));
  await until(() => ws.frames('ping').length === 1, 500, 'a ping on online');
  ws.push({ type: 'pong' });
  await tick(100);
  assert.equal(sockets.length, 1, 'an answered check keeps the connection');
  win.dispatchEvent(new Event('online'));
  await until(() => sockets.length === 2, 1000, 'a silent socket is replaced at once');
});

test('an `online` event reopens a held long-poll at once', async (t) => {
  const polls = [];
  const { fetch } = makeFakeFetch({
    poll: (r) => {
      polls.push(r);
      return r.timeout === '0' ? { messages: [], cursor: 'p1', gaps: [] } : held();
    },
  });
  const win = new EventTarget();
  const client = connect('/realtime', { ...BASE, fetch, window: win, transports: ['longpoll'], anchor: false });
  t.after(() => client.close());
  client.subscribe('a', () => {});
  await until(() => polls.length === 2, 1000, 'a held poll');
  win.dispatchEvent(new Event('online'));
  await until(() => polls.length >= 3, 500, 'the poll reopened');
  assert.equal(polls[2].since, 'p1');
});

test('a forced transport that can never connect reports an error instead of staying silent', async (t) => {
  const { FakeWebSocket } = makeFakeWebSocket({ refuse: true });
  const { fetch } = makeFakeFetch(anchorRoutes());
  const client = connect('/realtime', { ...BASE, WebSocket: FakeWebSocket, fetch, transports: ['websocket'] });
  t.after(() => client.close());
  const log = record(client);
  await until(() => log.errors.length >= 1, 1000, 'an error event');
  assert.equal(log.errors[0], 'connect_failed');
  assert.equal(client.state, 'connecting');
});
