// Protocol 1.1 in the JS client: wildcard patterns, ephemeral messages and presence,
// against a scripted WebSocket and fetch. Run: node --test realtime-servlet/src/test/js/
import test from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '../../main/js/realtime.js';
import { PresenceView, isValidPattern, liveFrames, liveParams, matchesPattern, unionLive, emptyLive } from '../../main/js/realtime-live.js';
import { makeFakeWebSocket, makeFakeFetch, SseStream, sseResponse, msg, held, until } from './fakes.mjs';

const BASE = { baseHref: 'http://h:8080/index.html', reconnectDelay: 1, jitter: 0, connectTimeout: 500, share: false };

function anchorRoutes(extra = {}) {
  let n = 0;
  return {
    poll: (r) => (r.timeout !== '0' ? held() : { messages: [], cursor: r.since || `anchor-${++n}`, gaps: [] }),
    ...extra,
  };
}

test('patterns: one segment or any depth, as the server matches them', () => {
  assert.equal(isValidPattern('room:*'), true);
  assert.equal(isValidPattern('room:**'), true);
  for (const bad of ['room*', '*', ':*', 'room:*:x', 'ro*m:*', 'room:***', `${'a'.repeat(127)}:*`]) assert.equal(isValidPattern(bad), false, bad);
  assert.equal(matchesPattern('room:*', 'room:1'), true);
  assert.equal(matchesPattern('room:*', 'room:1:typing'), false);
  assert.equal(matchesPattern('room:**', 'room:1:typing'), true);
  assert.equal(matchesPattern('room:*', 'room:'), false);
  assert.equal(matchesPattern('room:*', 'lobby:1'), false);
});

test('live state: query parameters, frames between two states, the union of tabs', () => {
  const live = { joins: { 'room:1': { member: 'ann', info: { nick: 'Ann' } } }, watches: ['room:1', 'room:2'] };
  assert.deepEqual(liveParams(live), { v: '1.1', presence: ['room:1', 'room:2'], join: ['room:1'], member: 'ann', info: '{"nick":"Ann"}' });
  assert.deepEqual(liveParams(emptyLive()), { v: '1.1' });
  const next = { joins: { 'room:3': { member: 'ann' } }, watches: ['room:2'] };
  assert.deepEqual(liveFrames(live, next, new Set(['room:1'])), [
    { type: 'join', channel: 'room:3', member: 'ann', info: undefined },
    { type: 'leave', channel: 'room:1' },
  ], 'room:1 stays subscribed for its messages, so no unsubscribe');
  assert.deepEqual(liveFrames(live, next, new Set()).at(-1), { type: 'unsubscribe', channel: 'room:1' });
  const union = unionLive([live, { joins: { 'room:1': { member: 'bob' } }, watches: ['room:9'] }]);
  assert.equal(union.joins['room:1'].member, 'ann', 'the first tab\'s join');
  assert.deepEqual(union.watches.sort(), ['room:1', 'room:2', 'room:9']);
});

test('PresenceView: sync replaces, join and update set, leave removes', () => {
  const v = new PresenceView('room:1');
  v.apply({ action: 'sync', members: [{ member: 'ann', info: 1 }, { member: 'bob', info: 2 }] });
  v.apply({ action: 'join', member: 'cy', info: 3 });
  v.apply({ action: 'update', member: 'ann', info: 9 });
  assert.equal(v.apply({ action: 'leave', member: 'bob' }), true);
  assert.equal(v.apply({ action: 'leave', member: 'nobody' }), false);
  assert.deepEqual(v.list(), [{ member: 'ann', info: 9 }, { member: 'cy', info: 3 }]);
});

test('WebSocket: joins and presence go as frames once open, events reach the watcher with the member list', async (t) => {
  const { FakeWebSocket, sockets } = makeFakeWebSocket();
  const { fetch } = makeFakeFetch(anchorRoutes());
  const client = connect('/realtime', { ...BASE, WebSocket: FakeWebSocket, fetch });
  t.after(() => client.close());
  const seen = [];
  const watch = client.presence('room:1', (event, members) => seen.push([event.action, members.map((m) => m.member)]));
  const joined = client.join('room:1', { member: 'ann', info: { nick: 'Ann' } });
  const ws = await until(() => sockets[0], 1000, 'socket');
  assert.equal(ws.url, 'ws://h:8080/realtime/ws?v=1.1', 'no join in the handshake: a refusal must not refuse the connection');
  ws.accept();
  await until(() => ws.frames('join').length === 1, 1000, 'join frame');
  assert.deepEqual(ws.frames('join')[0], { type: 'join', channel: 'room:1', member: 'ann', info: { nick: 'Ann' } });
  assert.deepEqual(ws.frames('subscribe')[0], { type: 'subscribe', channel: 'room:1', presence: true });
  ws.push({ type: 'presence', channel: 'room:1', action: 'sync', members: [{ member: 'bob', info: null }], ts: 1 });
  ws.push({ type: 'presence', channel: 'room:1', action: 'join', member: 'ann', info: { nick: 'Ann' }, ts: 2 });
  ws.push({ type: 'presence', channel: 'room:1', action: 'leave', member: 'bob', ts: 3 });
  assert.deepEqual(seen, [['sync', ['bob']], ['join', ['bob', 'ann']], ['leave', ['ann']]]);
  assert.deepEqual(watch.members, [{ member: 'ann', info: { nick: 'Ann' } }]);
  joined.leave();
  assert.deepEqual(ws.frames('leave'), [{ type: 'leave', channel: 'room:1' }]);
  watch.stop();
  assert.deepEqual(ws.frames('unsubscribe'), [{ type: 'unsubscribe', channel: 'room:1' }]);
});

test('WebSocket: a pattern subscription gets its channels\' messages once each, and ephemeral ones', async (t) => {
  const { FakeWebSocket, sockets } = makeFakeWebSocket();
  const { fetch } = makeFakeFetch(anchorRoutes());
  const client = connect('/realtime', { ...BASE, WebSocket: FakeWebSocket, fetch });
  t.after(() => client.close());
  const byPattern = [];
  const byName = [];
  client.subscribe('room:*', (m) => byPattern.push(`${m.channel}=${m.data}`), { since: 'earliest' });
  client.subscribe('room:1', (m) => byName.push(`${m.channel}=${m.data}`), { since: 'earliest' });
  const ws = await until(() => sockets[0], 1000, 'socket');
  ws.accept();
  await until(() => ws.frames('subscribe').length === 2, 1000, 'subscribe frames');
  ws.push({ type: 'subscribed', channel: 'room:*' });
  ws.push({ type: 'subscribed', channel: 'room:1' });
  ws.push({ type: 'message', cursor: 'k1', ...msg('room:1', 1, 'a') });
  ws.push({ type: 'message', cursor: 'k2', ...msg('room:2', 1, 'b') }); // same id, another channel
  ws.push({ type: 'message', cursor: 'k2', ...msg('room:2', 1, 'b') }); // a repeat
  ws.push({ type: 'message', channel: 'room:1', event: 'typing', data: 'ann', ts: 5, ephemeral: true });
  ws.push({ type: 'message', channel: 'room:1', event: 'typing', data: 'ann', ts: 6, ephemeral: true });
  assert.deepEqual(byPattern, ['room:1=a', 'room:2=b', 'room:1=ann', 'room:1=ann']);
  assert.deepEqual(byName, ['room:1=a', 'room:1=ann', 'room:1=ann'], 'ephemeral messages have no id to drop them by');

  const sent = client.publish('room:1', { user: 'ann' }, { event: 'typing', ephemeral: true });
  await until(() => ws.frames('publish').length === 1, 1000, 'publish frame');
  const frame = ws.frames('publish')[0];
  assert.equal(frame.ephemeral, true);
  assert.equal(frame.idempotencyKey, undefined);
  ws.push({ type: 'ack', ref: frame.ref, channel: 'room:1', ephemeral: true });
  assert.deepEqual(await sent, { channel: 'room:1', ephemeral: true });
});

test('a gap of a pattern reaches its subscribers and forgets the ids of its channels', async (t) => {
  const { FakeWebSocket, sockets } = makeFakeWebSocket();
  const { fetch } = makeFakeFetch(anchorRoutes());
  const client = connect('/realtime', { ...BASE, WebSocket: FakeWebSocket, fetch });
  t.after(() => client.close());
  const got = [];
  const gaps = [];
  client.on('gap', (d) => gaps.push(d.channel));
  client.subscribe('room:*', (m) => got.push(m.id), { since: 'earliest' });
  const ws = await until(() => sockets[0], 1000, 'socket');
  ws.accept();
  ws.push({ type: 'subscribed', channel: 'room:*' });
  ws.push({ type: 'message', cursor: 'k1', ...msg('room:1', 1, 'a') });
  ws.push({ type: 'gap', channel: 'room:*' });
  ws.push({ type: 'message', cursor: 'k2', ...msg('room:1', 1, 'after a new epoch') });
  assert.deepEqual(got, ['1', '1']);
  assert.deepEqual(gaps, ['room:*']);
});

test('SSE: joins and watches are query parameters; presence events are $presence; a change reopens from the cursor', async (t) => {
  const streams = [];
  const { fetch, requests } = makeFakeFetch(anchorRoutes({
    sse: () => {
      const s = new SseStream();
      streams.push(s);
      return sseResponse(s);
    },
  }));
  const client = connect('/realtime', { ...BASE, transports: ['sse'], fetch });
  t.after(() => client.close());
  const seen = [];
  client.subscribe('room:1', () => {});
  client.presence('room:1', (event, members) => seen.push(members.length));
  client.join('room:1', { member: 'ann', info: { n: 1 } });
  await until(() => streams.length === 1, 1000, 'stream');
  const first = requests.find((r) => r.path.endsWith('/sse'));
  assert.equal(first.url.searchParams.get('v'), '1.1');
  assert.deepEqual(first.url.searchParams.getAll('presence'), ['room:1']);
  assert.deepEqual(first.url.searchParams.getAll('join'), ['room:1']);
  assert.equal(first.url.searchParams.get('member'), 'ann');
  assert.equal(first.url.searchParams.get('info'), '{"n":1}');
  streams[0].write('retry: 1000\n\n');
  streams[0].write(`event: $presence\ndata: ${JSON.stringify({ channel: 'room:1', action: 'sync', members: [{ member: 'ann', info: { n: 1 } }], ts: 1 })}\n\n`);
  await until(() => seen.length === 1, 1000, 'sync');
  client.join('room:2', { member: 'ann' });
  await until(() => streams.length === 2, 1000, 'reopened stream');
  const second = requests.filter((r) => r.path.endsWith('/sse'))[1];
  assert.deepEqual(second.url.searchParams.getAll('join'), ['room:1', 'room:2']);
});

test('long-polling: the answer\'s presence field reaches the watcher; a refused join is dropped and reported, messages go on', async (t) => {
  let polls = 0;
  const { fetch, requests } = makeFakeFetch({
    poll: (r) => {
      if (r.timeout === '0' && r.since === null && r.url.searchParams.get('join') === null) return { messages: [], cursor: 'anchor', gaps: [] };
      polls++;
      if (r.url.searchParams.get('join')) {
        return new Response(JSON.stringify({ error: 'too_many_members', message: 'full' }), { status: 409, headers: { 'Content-Type': 'application/json' } });
      }
      if (polls > 3) return held();
      return { messages: [], cursor: 'c1', gaps: [], presence: [{ channel: 'room:1', action: 'sync', members: [], ts: 1 }] };
    },
  });
  const client = connect('/realtime', { ...BASE, transports: ['longpoll'], fetch });
  t.after(() => client.close());
  const errors = [];
  const seen = [];
  client.on('error', (d) => errors.push(d.code));
  client.subscribe('room:1', () => {});
  client.presence('room:1', (event) => seen.push(event.action));
  client.join('room:1', { member: 'zed' });
  await until(() => errors.includes('too_many_members'), 2000, 'the refusal');
  await until(() => seen.includes('sync'), 2000, 'presence after the refusal');
  const last = requests.filter((r) => r.path.endsWith('/poll')).at(-1);
  assert.equal(last.url.searchParams.get('join'), null, 'polls again without the refused join');
});

test('members(channel) asks the HTTP snapshot', async (t) => {
  const { fetch, requests } = makeFakeFetch({ ...anchorRoutes(), presence: () => ({ channel: 'room:1', members: [{ member: 'ann', info: 1 }] }) });
  const { FakeWebSocket } = makeFakeWebSocket();
  const client = connect('/realtime', { ...BASE, WebSocket: FakeWebSocket, fetch });
  t.after(() => client.close());
  assert.deepEqual(await client.members('room:1'), [{ member: 'ann', info: 1 }]);
  assert.equal(requests.at(-1).url.searchParams.get('channel'), 'room:1');
});
