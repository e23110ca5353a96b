// Each transport's reconnect path after a network fault (issue 13, RELIABILITY.md): the connection
// breaks mid-stream (a WebSocket closes 1006, an SSE body errors, a held poll's fetch rejects), the
// client resumes from its cursor on the same transport; a replayed message is not delivered twice,
// none is lost, and a gap the server reports on resume reaches the application.
// Run: node --test realtime-servlet/src/test/js/
import test from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '../../main/js/realtime.js';
import { makeFakeWebSocket, makeFakeFetch, SseStream, sseResponse, msg, held, deferred, until, tick } from './fakes.mjs';

const BASE = { baseHref: 'http://h:8080/index.html', reconnectDelay: 1, jitter: 0, connectTimeout: 500 };

function record(client) {
  const log = { states: [], transports: [], gaps: [] };
  client.on('state', (d) => log.states.push(d.state));
  client.on('transport', (d) => log.transports.push(d.transport));
  client.on('gap', (d) => log.gaps.push(d.channel));
  return log;
}

test('WebSocket: two network faults; the replay after the first is deduplicated, the gap after the second reported', async (t) => {
  const { FakeWebSocket, sockets } = makeFakeWebSocket();
  const { fetch } = makeFakeFetch({ poll: () => held() });
  const client = connect('/realtime', { ...BASE, WebSocket: FakeWebSocket, fetch });
  t.after(() => client.close());
  const log = record(client);
  const got = [];
  client.subscribe('a', (m) => got.push(m.id), { since: 'earliest' });
  const ws1 = await until(() => sockets[0], 1000, 'socket');
  ws1.accept();
  ws1.push({ type: 'subscribed', channel: 'a' });
  ws1.push({ type: 'message', cursor: 'k1', ...msg('a', 1) });
  ws1.push({ type: 'message', cursor: 'k2', ...msg('a', 2) });
  ws1.drop(1006);
  const ws2 = await until(() => sockets[1], 1000, 'reconnect after the first fault');
  assert.equal(ws2.url, 'ws://h:8080/realtime/ws?channel=a&since=k2&v=1.1');
  ws2.accept();
  ws2.push({ type: 'subscribed', channel: 'a' });
  ws2.push({ type: 'message', cursor: 'k2', ...msg('a', 2) }); // replayed: the server resumes at or before the cursor
  ws2.push({ type: 'message', cursor: 'k3', ...msg('a', 3) });
  ws2.drop(1006);
  const ws3 = await until(() => sockets[2], 1000, 'reconnect after the second fault');
  assert.equal(ws3.url, 'ws://h:8080/realtime/ws?channel=a&since=k3&v=1.1');
  ws3.accept();
  ws3.push({ type: 'subscribed', channel: 'a' });
  ws3.push({ type: 'gap', channel: 'a' }); // history no longer covers k3
  ws3.push({ type: 'message', cursor: 'k7', ...msg('a', 7) });
  await until(() => got.length === 4, 1000, 'every message');
  await tick(20);
  assert.deepEqual(got, ['1', '2', '3', '7'], 'each once, in order');
  assert.deepEqual(log.gaps, ['a']);
  assert.deepEqual(log.transports, ['websocket'], 'a fault after open retries the same transport');
  assert.deepEqual(log.states, ['connecting', 'open', 'reconnecting', 'open', 'reconnecting', 'open']);
});

test('SSE: two streams broken mid-event; the replay after the first is deduplicated, the gap after the second reported', async (t) => {
  const streams = [];
  const { fetch, requests } = makeFakeFetch({
    sse: () => {
      const s = new SseStream();
      streams.push(s);
      return sseResponse(s);
    },
    poll: () => held(),
  });
  const client = connect('/realtime', { ...BASE, fetch, transports: ['sse'] });
  t.after(() => client.close());
  const log = record(client);
  const got = [];
  client.subscribe('a', (m) => got.push(m.id), { since: 'earliest' });
  const s1 = await until(() => streams[0], 1000, 'SSE request');
  s1.write('retry: 5\n\n');
  s1.message(msg('a', 1), 'c1');
  s1.message(msg('a', 2), 'c2');
  await until(() => got.length === 2, 1000, 'first messages');
  s1.write('id: c3\ndata: {"chan'); // half an event, then the connection breaks
  s1.fail();
  const s2 = await until(() => streams[1], 1000, 'reconnect after the first fault');
  const sse = () => requests.filter((r) => r.path === '/realtime/sse');
  assert.deepEqual([sse()[1].channels, sse()[1].since], [['a'], 'c2'], 'the half event does not move the cursor');
  s2.write('retry: 5\n\n');
  s2.message(msg('a', 2), 'c2');
  s2.message(msg('a', 3), 'c3');
  await until(() => got.length === 3, 1000, 'resumed');
  s2.fail();
  const s3 = await until(() => streams[2], 1000, 'reconnect after the second fault');
  assert.equal(sse()[2].since, 'c3');
  s3.write('retry: 5\n\n');
  s3.write('event: gap\ndata: {"channel":"a"}\n\n');
  s3.message(msg('a', 7), 'c7');
  await until(() => got.length === 4, 1000, 'every message');
  await tick(20);
  assert.deepEqual(got, ['1', '2', '3', '7'], 'each once, in order');
  assert.deepEqual(log.gaps, ['a']);
  assert.deepEqual(log.transports, ['sse']);
});

test('long-polling: two held polls lost to the network; the replay after the first is deduplicated, the gap after the second reported', async (t) => {
  const lost = [];
  const answers = new Map([
    ['earliest', { messages: [msg('a', 1), msg('a', 2)], cursor: 'l2', gaps: [] }],
    ['l2', { messages: [msg('a', 2), msg('a', 3)], cursor: 'l3', gaps: [] }],
    ['l3', { messages: [msg('a', 7)], cursor: 'l7', gaps: ['a'] }],
  ]);
  const polls = [];
  const { fetch } = makeFakeFetch({
    poll: (r) => {
      polls.push(r);
      if (r.since === 'l7') return held();
      if (r.timeout !== '0' && lost.length < 2) {
        const d = deferred(); // held, then the connection is lost under it
        lost.push(d);
        return d.promise;
      }
      return answers.get(r.since) || held();
    },
  });
  const client = connect('/realtime', { ...BASE, fetch, transports: ['longpoll'] });
  t.after(() => client.close());
  const log = record(client);
  const got = [];
  client.subscribe('a', (m) => got.push(m.id), { since: 'earliest' });
  await until(() => lost.length === 1, 1000, 'first held poll');
  lost[0].reject(new TypeError('network error'));
  await until(() => lost.length === 2, 1000, 'second held poll');
  lost[1].reject(new TypeError('network error'));
  await until(() => got.length === 4, 2000, 'every message');
  await until(() => polls.some((p) => p.since === 'l7'), 1000, 'polling goes on');
  await tick(20);
  assert.deepEqual(got, ['1', '2', '3', '7'], 'each once, in order');
  assert.deepEqual(log.gaps, ['a']);
  assert.deepEqual(log.transports, ['longpoll']);
  const afterFaults = polls.filter((p, i) => i > 0 && polls[i - 1].timeout !== '0' && p.timeout === '0').map((p) => p.since);
  assert.deepEqual(afterFaults.slice(0, 2), ['l2', 'l3'], 'each retry resumes from the last cursor');
});
