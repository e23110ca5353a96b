// The JavaScript client against the shared protocol fixtures (realtime-test-support), which the
// server's and the Java client's tests read too: a rule that drifts on one side fails here or there.
// Run: node --test realtime-servlet/src/test/js/
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { connect, isValidChannel, isValidEvent } from '../../main/js/realtime.js';
import { makeFakeWebSocket, makeFakeFetch, held, until } from './fakes.mjs';

const FIXTURES = new URL('../../../../realtime-test-support/src/main/resources/dev/realtime/testing/fixtures/', import.meta.url);
const fixture = (name) => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));
const CLIENT_DIR = new URL('../../main/js/', import.meta.url);
// every module of the client, read as one text
const CLIENT_SOURCE = readdirSync(CLIENT_DIR).filter((f) => f.endsWith('.js'))
  .map((f) => readFileSync(new URL(f, CLIENT_DIR), 'utf8')).join('\n');

function checkNames(kind, isValid) {
  const rules = fixture('names.json')[kind];
  for (const name of [...rules.valid, 'a'.repeat(rules.maxLength)]) {
    assert.equal(isValid(name), true, `${kind} '${name}' is valid`);
  }
  for (const name of [...rules.invalid, 'a'.repeat(rules.maxLength + 1), ...(rules.reserved || [])]) {
    assert.equal(isValid(name), false, `${kind} '${name}' is invalid`);
  }
}

test('fixtures: channel and event names', () => {
  checkNames('channel', isValidChannel);
  checkNames('event', isValidEvent);
});

test('fixtures: every error code the client reads from the server is a protocol code', () => {
  const statuses = fixture('errors.json').statuses;
  // codes compared against, less those the client makes itself (connection_lost, timeout, ...)
  const own = new Set([...CLIENT_SOURCE.matchAll(/new RealtimeError\('([a-z_]+)'/g)].map((m) => m[1]));
  const read = [...CLIENT_SOURCE.matchAll(/\.code === '([a-z_]+)'/g)].map((m) => m[1]).filter((c) => !own.has(c) || c in statuses);
  assert.ok(read.includes('invalid_cursor'), 'the client reads invalid_cursor');
  for (const code of read) assert.ok(code in statuses, `'${code}' is not a protocol code`);
});

test('fixtures: each sample server frame does what the sample says', async (t) => {
  const samples = fixture('frames.json').server;
  for (const [name, { frame, client: expect }] of Object.entries(samples)) {
    const { FakeWebSocket, sockets } = makeFakeWebSocket();
    const { fetch } = makeFakeFetch({ poll: (r) => (r.timeout !== '0' ? held() : { messages: [], cursor: 'anchor', gaps: [] }) });
    const client = connect('/realtime', { baseHref: 'http://h/index.html', reconnectDelay: 1, jitter: 0, WebSocket: FakeWebSocket, fetch });
    t.after(() => client.close());
    const got = [];
    const gaps = [];
    const errors = [];
    client.on('gap', (d) => gaps.push(d.channel));
    client.on('error', (d) => errors.push(d.code));
    client.subscribe(frame.channel || 'room:42', (m) => got.push(m));
    const ws = await until(() => sockets[0], 1000, 'socket');
    ws.accept();
    await until(() => ws.frames('subscribe').length === 1, 1000, 'subscribe frame');
    ws.push({ type: 'subscribed', channel: frame.channel || 'room:42' });
    ws.push(frame);
    if (expect.deliver) {
      const { type, cursor, ...message } = frame;
      assert.deepEqual(got, [message], `${name}: delivered`);
    } else {
      assert.deepEqual(got, [], `${name}: nothing delivered`);
    }
    assert.deepEqual(gaps, expect.gap ? [frame.channel] : [], `${name}: gap`);
    assert.deepEqual(errors, expect.error ? [expect.error] : [], `${name}: error`);
    const subscribes = ws.frames('subscribe');
    assert.deepEqual(subscribes.slice(1), expect.resubscribe ? [expect.resubscribe] : [], `${name}: subscribed again`);
    client.close();
  }
});

test('fixtures: the client sends the sample subscribe and publish frames', async (t) => {
  const samples = fixture('frames.json').client;
  const { FakeWebSocket, sockets } = makeFakeWebSocket();
  // the client fetches a cursor for a channel at "now" before it subscribes, and subscribes from it
  const { fetch } = makeFakeFetch({ poll: (r) => (r.timeout !== '0' ? held() : { messages: [], cursor: samples.subscribe.since, gaps: [] }) });

  const client = connect('/realtime', { baseHref: 'http://h/index.html', reconnectDelay: 1, jitter: 0, WebSocket: FakeWebSocket, fetch });
  t.after(() => client.close());
  client.subscribe('room:42', () => {});
  const ws = await until(() => sockets[0], 1000, 'socket');
  ws.accept();
  await until(() => ws.frames('subscribe').length === 1, 1000, 'subscribe frame');
  assert.deepEqual(ws.frames('subscribe')[0], samples.subscribe);
  ws.push({ type: 'subscribed', channel: 'room:42' });
  await until(() => client.state === 'open', 1000, 'open');
  client.publish('room:42', samples.publish.data, { event: samples.publish.event }).catch(() => {});
  const [sent] = ws.frames('publish');
  // ref and idempotency key are the client's own for every publish
  assert.deepEqual({ ...sent, ref: samples.publish.ref, idempotencyKey: samples.publish.idempotencyKey }, samples.publish);
});
