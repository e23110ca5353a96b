// The client across the page's life and the network's: back to WebSocket
// after a fallback, offline and online, pagehide and pageshow, visibility.
// Run: node --test realtime-servlet/src/test/js/
import test from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '../../main/js/realtime.js';
import { makeFakeWebSocket, makeFakeFetch, makeFakeWindow, SseStream, sseResponse, msg, held, tick, until } from './fakes.mjs';

const BASE = { baseHref: 'http://h:8080/index.html', reconnectDelay: 1, jitter: 0, connectTimeout: 500 };

function sseServer() {
  const streams = [];
  const { fetch, requests } = makeFakeFetch({
    sse: () => {
      const s = new SseStream();
      streams.push(s);
      return sseResponse(s);
    },
    poll: (r) => (r.timeout !== '0' ? held() : { messages: [], cursor: r.since || 'anchor', gaps: [] }),
  });
  return { fetch, requests, streams };
}

test('climb-back: after falling back to SSE the client tries WebSocket again and moves up without loss or duplicate', async (t) => {
  const { FakeWebSocket, sockets, control } = makeFakeWebSocket({ refuse: true });
  const { fetch, streams } = sseServer();
  const client = connect('/realtime', { ...BASE, WebSocket: FakeWebSocket, fetch, climbBackDelay: 30, maxClimbBackDelay: 30, window: makeFakeWindow() });
  t.after(() => client.close());
  const transports = [];
  client.on('transport', (d) => transports.push(d));
  const got = [];
  client.subscribe('a', (m) => got.push(m.id), { since: 'earliest' });
  const s = await until(() => streams[0], 1000, 'SSE after the refused WebSocket');
  s.write('retry: 5\n\n');
  s.message(msg('a', 1), 'c1');
  s.message(msg('a', 2), 'c2');
  await until(() => got.length === 2, 1000, 'messages over SSE');
  await tick(80);
  assert.equal(sockets.length, 0, 'a refused climb changes nothing');
  assert.equal(client.transport, 'sse');

  control.refuse = false;
  const ws = await until(() => sockets[0], 1000, 'a WebSocket tried in the background');
  assert.equal(ws.url, 'ws://h:8080/realtime/ws?channel=a&since=c2&v=1.1');
  ws.accept();
  assert.deepEqual(ws.frames('ping').length, 1, 'the candidate must get an answer before it wins');
  // the SSE stream still delivers until then
  s.message(msg('a', 3), 'c3');
  await until(() => got.length === 3, 1000, 'SSE still delivering');
  assert.equal(client.transport, 'sse');
  assert.ok(!s.cancelled);
  // the WebSocket replays from c2: 3 again (a duplicate), then 4
  ws.push({ type: 'subscribed', channel: 'a' });
  assert.equal(client.transport, 'websocket');
  assert.ok(s.cancelled, 'the SSE stream is closed once the WebSocket answered');
  ws.push({ type: 'message', cursor: 'k3', ...msg('a', 3) });
  ws.push({ type: 'message', cursor: 'k4', ...msg('a', 4) });
  assert.deepEqual(got, ['1', '2', '3', '4']);
  assert.deepEqual(transports.map((d) => [d.transport, d.previous, d.reason]), [
    ['websocket', undefined, 'connect'],
    ['sse', 'websocket', 'fallback'],
    ['websocket', 'sse', 'climb'],
  ]);
  assert.equal(client.state, 'open');
  assert.equal(client.cursor, 'k4');
});

test('climb-back: a WebSocket that opens but never answers does not replace the working transport', async (t) => {
  const { FakeWebSocket, sockets, control } = makeFakeWebSocket({ refuse: true });
  const { fetch, streams } = sseServer();
  const client = connect('/realtime', { ...BASE, connectTimeout: 60, WebSocket: FakeWebSocket, fetch, climbBackDelay: 20, maxClimbBackDelay: 20, window: makeFakeWindow() });
  t.after(() => client.close());
  const got = [];
  client.subscribe('a', (m) => got.push(m.id), { since: 'earliest' });
  const s = await until(() => streams[0], 1000, 'SSE');
  s.write('retry: 5\n\n');
  control.refuse = false;
  const ws = await until(() => sockets[0], 1000, 'candidate');
  ws.accept(); // a proxy that upgrades and then passes nothing
  await until(() => sockets.length === 2, 1000, 'the silent candidate is given up and tried again later');
  assert.equal(ws.closedWith, 4000);
  assert.equal(client.transport, 'sse');
  s.message(msg('a', 1), 'c1');
  await until(() => got.length === 1);
  assert.equal(streams.length, 1, 'the SSE stream was never interrupted');
});

test('climb-back is off with climbBack: false, and never happens to a transport the user ranked above WebSocket', async (t) => {
  const { FakeWebSocket, sockets, control } = makeFakeWebSocket({ refuse: true });
  const { fetch, streams } = sseServer();
  const off = connect('/realtime', { ...BASE, WebSocket: FakeWebSocket, fetch, climbBack: false, climbBackDelay: 10, window: makeFakeWindow() });
  t.after(() => off.close());
  off.subscribe('a', () => {});
  const s = await until(() => streams[0], 1000, 'SSE');
  s.write('retry: 5\n\n');
  await until(() => off.state === 'open');
  control.refuse = false;
  await tick(60);
  assert.equal(sockets.length, 0);
  off.close();

  const sseFirst = connect('/realtime', { ...BASE, WebSocket: FakeWebSocket, fetch, transports: ['sse', 'websocket'], climbBackDelay: 10, window: makeFakeWindow() });
  t.after(() => sseFirst.close());
  sseFirst.subscribe('a', () => {});
  const s2 = await until(() => streams[1], 1000, 'SSE');
  s2.write('retry: 5\n\n');
  await until(() => sseFirst.state === 'open');
  await tick(60);
  assert.equal(sockets.length, 0);
});

test('offline: a dropped connection waits for `online` instead of retrying and falling back, then reconnects at once', async (t) => {
  const { FakeWebSocket, sockets } = makeFakeWebSocket();
  const { fetch } = makeFakeFetch({ poll: () => ({ messages: [], cursor: 'p', gaps: [] }) });
  const win = makeFakeWindow();
  const client = connect('/realtime', { ...BASE, WebSocket: FakeWebSocket, fetch, window: win, maxReconnectDelay: 60000 });
  t.after(() => client.close());
  const transports = [];
  client.on('transport', (d) => transports.push(d.transport));
  const ws = await until(() => sockets[0]);
  ws.accept();
  await until(() => client.state === 'open');
  win.setOnline(false);
  ws.drop(1006);
  await tick(100);
  assert.equal(sockets.length, 1, 'no attempt while offline');
  assert.deepEqual(transports, ['websocket'], 'no fallback while offline');
  assert.equal(client.state, 'reconnecting');
  win.setOnline(true);
  await until(() => sockets.length === 2, 200, 'a reconnect as soon as the browser is online');
  sockets[1].accept();
  await until(() => client.state === 'open');
  assert.deepEqual(transports, ['websocket']);
});

test('pagehide closes the connection at once; pageshow from the back/forward cache resumes from the cursor', async (t) => {
  const { FakeWebSocket, sockets } = makeFakeWebSocket();
  const { fetch } = makeFakeFetch({ poll: () => ({ messages: [], cursor: 'p', gaps: [] }) });
  const win = makeFakeWindow();
  const client = connect('/realtime', { ...BASE, WebSocket: FakeWebSocket, fetch, window: win });
  t.after(() => client.close());
  const got = [];
  client.subscribe('a', (m) => got.push(m.id), { since: 'earliest' });
  const ws = await until(() => sockets[0]);
  ws.accept();
  ws.push({ type: 'subscribed', channel: 'a' });
  ws.push({ type: 'message', cursor: 'k1', ...msg('a', 1) });
  win.pageHide();
  assert.equal(ws.closedWith, 4000, 'the server is told at once');
  await tick(50);
  assert.equal(sockets.length, 1, 'no reconnect while the page is hidden away');
  win.pageShow();
  const ws2 = await until(() => sockets[1], 500, 'resumed');
  assert.equal(ws2.url, 'ws://h:8080/realtime/ws?channel=a&since=k1&v=1.1');
  ws2.accept();
  ws2.push({ type: 'message', cursor: 'k1', ...msg('a', 1) });
  ws2.push({ type: 'message', cursor: 'k2', ...msg('a', 2) });
  assert.deepEqual(got, ['1', '2']);
});

test('the page becoming visible reconnects at once instead of waiting out the backoff, and checks a socket after a long time hidden', async (t) => {
  const { FakeWebSocket, sockets } = makeFakeWebSocket();
  const { fetch } = makeFakeFetch({ poll: () => ({ messages: [], cursor: 'p', gaps: [] }) });
  const win = makeFakeWindow();
  const client = connect('/realtime', { ...BASE, WebSocket: FakeWebSocket, fetch, window: win, reconnectDelay: 60000, pingInterval: 40, onlineCheckTimeout: 1000 });
  t.after(() => client.close());
  const ws = await until(() => sockets[0]);
  ws.accept();
  await until(() => client.state === 'open');
  ws.push({ type: 'pong' });
  // briefly hidden: nothing to check
  win.setVisible(false);
  win.setVisible(true);
  assert.equal(ws.frames('ping').length, 0);
  // hidden longer than the ping interval (a sleeping laptop): the socket must answer a ping
  win.setVisible(false);
  await tick(50);
  const pings = ws.frames('ping').length;
  win.setVisible(true);
  assert.equal(ws.frames('ping').length, pings + 1);
  // a dropped socket waits out a long backoff, unless the page becomes visible
  ws.drop(1006);
  await tick(20);
  assert.equal(sockets.length, 1);
  win.setVisible(false);
  win.setVisible(true);
  await until(() => sockets.length === 2, 200, 'reconnect on visible');
});
