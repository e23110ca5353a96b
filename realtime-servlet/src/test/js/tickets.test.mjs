// Connection tickets (protocol 1.1) in the browser client, against a scripted
// WebSocket and fetch: where the ticket travels, the resume token reused, the
// refresh on every transport, channels the credential refuses, expiry.
import test from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '../../main/js/realtime.js';
import { makeFakeWebSocket, makeFakeFetch, SseStream, sseResponse, json, msg, held, until } from './fakes.mjs';

const BASE = { baseHref: 'http://h:8080/index.html', reconnectDelay: 1, jitter: 0, connectTimeout: 500, anchor: false };

/** A ticket callback that counts its calls: t1, t2, ... */
function tickets() {
  const issued = [];
  const source = () => {
    const t = `rt1.ticket${issued.length + 1}.sig`;
    issued.push(t);
    return Promise.resolve(t);
  };
  return { source, issued };
}

function errors(client) {
  const log = [];
  client.on('error', (d) => log.push({ code: d.code, channel: d.channel }));
  return log;
}

/** An answer after `ms`, as a held poll answered by its timeout would come. */
function later(ms, value) {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms));
}

function withToken(body, token, expiresIn, status = 200) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', 'Realtime-Token': token, 'Realtime-Expires-In': String(expiresIn) },
  });
}

/** A WebSocket-only client with tickets, subscribed to room:1, and its first socket (not accepted yet). */
async function webSocketClient(t) {
  const { FakeWebSocket, sockets } = makeFakeWebSocket();
  const { fetch } = makeFakeFetch({});
  const { source, issued } = tickets();
  const client = connect('/realtime', { ...BASE, transports: ['websocket'], WebSocket: FakeWebSocket, fetch, ticket: source });
  t.after(() => client.close());
  client.subscribe('room:1', () => {}, { since: 'earliest' });
  const ws = await until(() => sockets[0], 1000, 'socket');
  return { client, sockets, issued, ws };
}

test('WebSocket: the ticket is offered as a subprotocol, never in the URL; the resume token serves the reconnect', async (t) => {
  const { sockets, issued, ws } = await webSocketClient(t);
  assert.deepEqual(ws.protocols, ['realtime.v1', `realtime.ticket.${issued[0]}`]);
  assert.ok(!ws.url.includes('ticket'), ws.url);
  ws.accept();
  ws.push({ type: 'authenticated', token: 'rt1.token1.sig', expiresIn: 60000 });
  ws.drop(1006);
  const again = await until(() => sockets[1], 1000, 'second socket');
  assert.deepEqual(again.protocols, ['realtime.v1', 'realtime.ticket.rt1.token1.sig']);
  assert.equal(issued.length, 1, 'no second ticket while the token is valid');
});

test('WebSocket: halfway through the credential the client refreshes in place with an auth frame', async (t) => {
  const { sockets, issued, ws } = await webSocketClient(t);
  ws.accept();
  ws.push({ type: 'authenticated', token: 'rt1.token1.sig', expiresIn: 200 });
  const auth = await until(() => ws.frames('auth')[0], 1000, 'auth frame');
  assert.deepEqual(auth, { type: 'auth', ticket: issued[1] });
  assert.equal(sockets.length, 1, 'refreshed in place: no new socket');
});

test('WebSocket: a channel the refreshed credential no longer allows is dropped by name, the others stay', async (t) => {
  const { FakeWebSocket, sockets } = makeFakeWebSocket();
  const { fetch } = makeFakeFetch({});
  const client = connect('/realtime', { ...BASE, transports: ['websocket'], WebSocket: FakeWebSocket, fetch, ticket: tickets().source });
  t.after(() => client.close());
  const log = errors(client);
  const got = [];
  client.subscribe('room:1', (m) => got.push(m.channel), { since: 'earliest' });
  client.subscribe('vip:1', (m) => got.push(m.channel), { since: 'earliest' });
  const ws = await until(() => sockets[0], 1000, 'socket');
  ws.accept();
  ws.push({ type: 'unsubscribed', channel: 'vip:1' });
  ws.push({ type: 'error', code: 'forbidden', channel: 'vip:1', message: 'you may not subscribe to vip:1' });
  assert.deepEqual(log, [{ code: 'forbidden', channel: 'vip:1' }]);
  assert.deepEqual(client.channels, ['room:1']);
  ws.push({ type: 'message', cursor: 'k1', ...msg('room:1', 1, 'a') });
  assert.deepEqual(got, ['room:1']);
  ws.drop(4401); // the credential expired unrefreshed
  const again = await until(() => sockets[1], 1000, 'reconnect');
  again.accept();
  await until(() => again.frames('subscribe').length === 1, 1000, 'resubscribe');
  assert.deepEqual(again.frames('subscribe').map((f) => f.channel), ['room:1'], 'the refused channel is not asked for again');
});

test('Long-polling: the header carries the ticket, then the token; the refresh rides on the next poll; a refused channel is dropped', async (t) => {
  const { source, issued } = tickets();
  let n = 0;
  const { fetch, requests } = makeFakeFetch({
    poll: (r) => {
      n++;
      if (r.channels.includes('vip:1') && r.headers['Realtime-Ticket'] === issued[1]) {
        return withToken({ messages: [], cursor: `c${n}`, gaps: [], refused: [{ channel: 'vip:1', code: 'forbidden', message: 'no' }] }, 'rt1.token2.sig', 60000);
      }
      const answer = withToken({ messages: [], cursor: `c${n}`, gaps: [] }, 'rt1.token1.sig', 400);
      return r.timeout === '0' ? answer : later(20, answer);
    },
  });
  const client = connect('/realtime', { ...BASE, transports: ['longpoll'], fetch, ticket: source, pollTimeout: 20 });
  t.after(() => client.close());
  const log = errors(client);
  client.subscribe('room:1', () => {}, { since: 'earliest' });
  client.subscribe('vip:1', () => {}, { since: 'earliest' });
  await until(() => requests.some((r) => r.headers['Realtime-Ticket'] === 'rt1.token1.sig'), 1000, 'a poll with the resume token');
  assert.equal(requests[0].headers['Realtime-Ticket'], issued[0]);
  assert.ok(requests.every((r) => !r.url.search.includes('ticket')), 'never in a URL');
  await until(() => log.length === 1, 2000, 'the refusal after the refresh');
  assert.deepEqual(log, [{ code: 'forbidden', channel: 'vip:1' }]);
  assert.ok(requests.some((r) => r.headers['Realtime-Ticket'] === issued[1]), 'the refresh ticket went with a poll');
  await until(() => requests.length > 0 && !requests[requests.length - 1].channels.includes('vip:1'), 1000, 'polls without vip:1');
});

test('SSE: the stream carries the ticket in its header, is reopened with the refresh ticket, and an error event drops its channel', async (t) => {
  const { source, issued } = tickets();
  const streams = [];
  const { fetch, requests } = makeFakeFetch({
    sse: () => {
      const s = new SseStream();
      streams.push(s);
      const r = sseResponse(s);
      r.headers.set('Realtime-Token', `rt1.token${streams.length}.sig`);
      r.headers.set('Realtime-Expires-In', '300');
      return r;
    },
    poll: () => held(),
  });
  const client = connect('/realtime', { ...BASE, transports: ['sse'], fetch, ticket: source });
  t.after(() => client.close());
  const log = errors(client);
  client.subscribe('room:1', () => {}, { since: 'earliest' });
  client.subscribe('vip:1', () => {}, { since: 'earliest' });
  await until(() => streams[0], 1000, 'stream');
  streams[0].write('retry: 1\n\n');
  assert.equal(requests[0].headers['Realtime-Ticket'], issued[0]);
  const second = await until(() => requests.filter((r) => r.path.endsWith('/sse'))[1], 2000, 'the stream reopened to refresh');
  assert.equal(second.headers['Realtime-Ticket'], issued[1]);
  await until(() => streams[1], 1000, 'second stream');
  streams[1].write('retry: 1\n\nevent: error\ndata: {"channel":"vip:1","code":"forbidden","message":"no"}\n\n');
  await until(() => log.length === 1, 1000, 'the refusal');
  assert.deepEqual(log, [{ code: 'forbidden', channel: 'vip:1' }]);
  assert.deepEqual(client.channels, ['room:1']);
});

test('A 401 forgets the token and a failing callback is reported as no_ticket', async (t) => {
  let fail = false;
  let calls = 0;
  const source = () => {
    calls++;
    return fail ? Promise.reject(new Error('login expired')) : Promise.resolve(`rt1.t${calls}.sig`);
  };
  const { fetch, requests } = makeFakeFetch({
    poll: (r) => later(5, r.headers['Realtime-Ticket'] === 'rt1.token.sig'
      ? json(401, { error: 'credential_expired', message: 'expired' })
      : withToken({ messages: [], cursor: 'c', gaps: [] }, 'rt1.token.sig', 60000)),
  });
  const client = connect('/realtime', { ...BASE, transports: ['longpoll'], fetch, ticket: source, pollTimeout: 10 });
  t.after(() => client.close());
  const log = errors(client);
  client.subscribe('room:1', () => {}, { since: 'earliest' });
  await until(() => log.some((e) => e.code === 'credential_expired'), 1000, 'the expiry');
  await until(() => calls >= 2, 1000, 'a new ticket after the 401');
  fail = true;
  await until(() => requests.length >= 4, 2000, 'more polls');
  await until(() => log.some((e) => e.code === 'no_ticket') || calls >= 3, 2000, 'the failing callback');
});
