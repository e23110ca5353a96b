// Unit tests for the pure parts of realtime.js. Run: node --test realtime-servlet/src/test/js/
import test from 'node:test';
import assert from 'node:assert/strict';
import {
  computeBackoff,
  buildUrl,
  DuplicateFilter,
  ResumeTracker,
  SseParser,
  isValidChannel,
  isValidEvent,
  newIdempotencyKey,
  RealtimeError,
} from '../../main/js/realtime.js';

test('backoff grows exponentially from the base and is capped', () => {
  const noJitter = { base: 1000, max: 30000, jitter: 0 };
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6, 50].map((n) => computeBackoff(n, noJitter)),
    [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000],
  );
});

test('backoff jitter keeps the delay between (1 - jitter) and 1 times the step', () => {
  const opts = { base: 3000, max: 60000, jitter: 0.5 };
  assert.equal(computeBackoff(1, opts, () => 0), 3000);
  assert.equal(computeBackoff(1, opts, () => 0.999999), 6000);
  for (let i = 0; i < 200; i++) {
    const d = computeBackoff(2, opts);
    assert.ok(d >= 6000 && d <= 12000, `delay ${d} out of range`);
  }
});

test('backoff treats negative or bogus attempts as the first', () => {
  assert.equal(computeBackoff(-3, { base: 500, jitter: 0 }), 500);
  assert.equal(computeBackoff(NaN, { base: 500, jitter: 0 }), 500);
});

test('buildUrl resolves a root-relative base against the page', () => {
  assert.equal(
    buildUrl('/realtime', '/poll', { channel: ['room:1', 'b'], since: 'c1', timeout: 0 }, { baseHref: 'http://h:8080/app/index.html' }),
    'http://h:8080/realtime/poll?channel=room%3A1&channel=b&since=c1&timeout=0',
  );
});

test('buildUrl resolves a page-relative base and strips trailing slashes', () => {
  assert.equal(
    buildUrl('realtime/', '/sse', { channel: 'a' }, { baseHref: 'http://h/chat/index.html' }),
    'http://h/chat/realtime/sse?channel=a',
  );
});

test('buildUrl leaves out undefined and null parameters', () => {
  assert.equal(
    buildUrl('http://x/rt', '/publish', { channel: 'a', event: undefined, since: null }),
    'http://x/rt/publish?channel=a',
  );
});

test('buildUrl turns http into ws and https into wss for WebSocket', () => {
  assert.equal(buildUrl('/realtime', '/ws', {}, { baseHref: 'http://h:1/', websocket: true }), 'ws://h:1/realtime/ws');
  assert.equal(
    buildUrl('https://h/app/realtime', '/ws', { channel: ['a'], since: 'k' }, { websocket: true }),
    'wss://h/app/realtime/ws?channel=a&since=k',
  );
});

test('buildUrl encodes characters a channel may hold so the server reads them back', () => {
  const url = new URL(buildUrl('/r', '/poll', { channel: 'user@x/y:z.1-_' }, { baseHref: 'http://h/' }));
  assert.deepEqual(url.searchParams.getAll('channel'), ['user@x/y:z.1-_']);
});

test('channel and event names follow the protocol', () => {
  assert.ok(isValidChannel('room:42'));
  assert.ok(isValidChannel('a@b/c.d_e-f'));
  assert.ok(isValidChannel('x'.repeat(128)));
  assert.ok(!isValidChannel('x'.repeat(129)));
  assert.ok(!isValidChannel(''));
  assert.ok(!isValidChannel('has space'));
  assert.ok(!isValidChannel(42));
  assert.ok(isValidEvent('message'));
  assert.ok(isValidEvent('chat.typing'));
  for (const reserved of ['gap', 'error', 'open', 'close', 'heartbeat']) assert.ok(!isValidEvent(reserved), reserved);
  assert.ok(isValidEvent('Gap'), 'reserved names are exactly lower case');
  assert.ok(!isValidEvent('a/b'));
  assert.ok(!isValidEvent('x'.repeat(65)));
});

test('idempotency keys are valid and different', () => {
  const keys = new Set();
  for (let i = 0; i < 100; i++) {
    const key = newIdempotencyKey();
    assert.match(key, /^[A-Za-z0-9_.:-]{1,128}$/);
    keys.add(key);
  }
  assert.equal(keys.size, 100);
  let n = 0;
  assert.equal(newIdempotencyKey(() => (n++ % 62) / 62), 'ABCDEFGHIJKLMNOPQRSTUVWX');
});

test('RealtimeError carries the protocol code', () => {
  const e = new RealtimeError('invalid_channel', 'bad', { status: 400 });
  assert.ok(e instanceof Error);
  assert.equal(e.code, 'invalid_channel');
  assert.equal(e.status, 400);
  assert.equal(e.message, 'bad');
});

test('duplicate filter drops a repeated id per channel only', () => {
  const f = new DuplicateFilter(10);
  assert.equal(f.isDuplicate('a', '1'), false);
  assert.equal(f.isDuplicate('a', '1'), true);
  assert.equal(f.isDuplicate('b', '1'), false, 'ids are unique within a channel only');
  assert.equal(f.isDuplicate('a', 2), false);
  assert.equal(f.isDuplicate('a', '2'), true, 'ids compare as strings');
  assert.equal(f.isDuplicate('a', undefined), false);
  assert.equal(f.isDuplicate('a', undefined), false, 'no id: never a duplicate');
});

test('duplicate filter is bounded and forgets the oldest ids first', () => {
  const f = new DuplicateFilter(3);
  for (const id of ['1', '2', '3', '4']) assert.equal(f.isDuplicate('a', id), false);
  assert.equal(f.isDuplicate('a', '4'), true);
  assert.equal(f.isDuplicate('a', '2'), true);
  assert.equal(f.isDuplicate('a', '1'), false, 'the oldest id was evicted');
  assert.equal(f.channels.get('a').size, 3);
});

test('duplicate filter forgets a channel', () => {
  const f = new DuplicateFilter();
  f.isDuplicate('a', '1');
  f.forget('a');
  assert.equal(f.isDuplicate('a', '1'), false);
});

test('resume tracker: new channels keep their own since until a cursor covers them', () => {
  const t = new ResumeTracker();
  t.add('a', 'earliest');
  t.add('b', undefined);
  assert.deepEqual(t.plan(), {
    cursor: undefined,
    covered: [],
    others: [
      { channel: 'a', since: 'earliest' },
      { channel: 'b', since: undefined },
    ],
  });
  t.update('c1', ['a']);
  assert.deepEqual(t.plan(), { cursor: 'c1', covered: ['a'], others: [{ channel: 'b', since: undefined }] });
  assert.equal(t.sinceOf('a'), 'c1');
  t.update('c2', new Set(['a', 'b']));
  assert.deepEqual(t.plan(), { cursor: 'c2', covered: ['a', 'b'], others: [] });
});

test('resume tracker: a channel that drops out of the live set keeps the last cursor that covered it', () => {
  const t = new ResumeTracker();
  t.add('a');
  t.add('b');
  t.update('c1', ['a', 'b']);
  // reconnected: only `a` is live again so far
  t.update('c2', ['a']);
  assert.deepEqual(t.plan(), { cursor: 'c2', covered: ['a'], others: [{ channel: 'b', since: 'c1' }] });
  t.update('c3', ['a']);
  assert.equal(t.sinceOf('b'), 'c1', 'still the cursor that covered it');
});

test('resume tracker: setSince only moves uncovered channels, remove and reset', () => {
  const t = new ResumeTracker();
  t.add('a');
  t.add('b', 'earliest');
  t.update('c1', ['a']);
  t.setSince('a', 'other');
  t.setSince('b', 'p1');
  assert.equal(t.sinceOf('a'), 'c1');
  assert.equal(t.sinceOf('b'), 'p1');
  t.add('b', 'ignored');
  assert.equal(t.sinceOf('b'), 'p1', 'adding twice keeps the position');
  t.remove('a');
  assert.deepEqual(t.plan(), { cursor: undefined, covered: [], others: [{ channel: 'b', since: 'p1' }] });
  t.reset();
  assert.equal(t.cursor, undefined);
  assert.equal(t.sinceOf('b'), undefined);
});

test('resume tracker ignores an empty cursor', () => {
  const t = new ResumeTracker();
  t.add('a');
  t.update('c1', ['a']);
  t.update('', ['a']);
  t.update(undefined, ['a']);
  assert.equal(t.cursor, 'c1');
});

function parse(chunks) {
  const events = [];
  const retries = [];
  const comments = [];
  const p = new SseParser({ onEvent: (e) => events.push(e), onRetry: (ms) => retries.push(ms), onComment: (c) => comments.push(c) });
  for (const c of chunks) p.feed(c);
  return { events, retries, comments };
}

test('SSE parser reads retry, ids, event names and data', () => {
  const { events, retries } = parse([
    'retry: 3000\n\n',
    'id: c1\ndata: {"channel":"a","id":"1"}\n\n',
    'id: c2\nevent: typing\ndata: {"channel":"a","id":"2","event":"typing"}\n\n',
    'event: gap\ndata: {"channel":"a"}\n\n',
  ]);
  assert.deepEqual(retries, [3000]);
  assert.deepEqual(events, [
    { type: 'message', data: '{"channel":"a","id":"1"}', id: 'c1' },
    { type: 'typing', data: '{"channel":"a","id":"2","event":"typing"}', id: 'c2' },
    { type: 'gap', data: '{"channel":"a"}', id: undefined },
  ]);
});

test('SSE parser handles any chunking and CR, LF and CRLF line ends', () => {
  const text = 'retry: 10\r\n\r\n: hb\rid: x\rdata: one\r\ndata: two\n\nid: y\r\ndata: 3\r\n\r\n';
  const whole = parse([text]);
  for (let size = 1; size <= 7; size++) {
    const chunks = [];
    for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
    assert.deepEqual(parse(chunks), whole, `chunk size ${size}`);
  }
  assert.deepEqual(whole.events, [
    { type: 'message', data: 'one\ntwo', id: 'x' },
    { type: 'message', data: '3', id: 'y' },
  ]);
  assert.deepEqual(whole.comments, [' hb']);
});

test('SSE parser: comments are heartbeats, incomplete events wait, bad retry is ignored', () => {
  const { events, retries, comments } = parse([':\n', 'retry: 1x\n', 'data: partial\n']);
  assert.deepEqual(comments, ['']);
  assert.deepEqual(retries, []);
  assert.deepEqual(events, [], 'no blank line yet');
});

test('SSE parser keeps one optional space after the colon and ignores unknown fields', () => {
  const { events } = parse(['data:no-space\nfoo: bar\n\ndata:  two spaces\n\n']);
  assert.deepEqual(events.map((e) => e.data), ['no-space', ' two spaces']);
});
