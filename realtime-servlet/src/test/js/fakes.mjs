// Test doubles for realtime.js: a scripted WebSocket and a scripted fetch
// (long-poll answers, SSE streams, publish answers). Recorded, not mocked:
// tests look at what the client sent and drive what the "server" answers.

export function tick(ms = 0) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `predicate` until it is truthy or `timeout` ms pass. */
export async function until(predicate, timeout = 2000, what = 'condition') {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await tick(5);
  }
}

export function makeFakeWebSocket({ refuse = false } = {}) {
  const sockets = [];
  const control = { refuse }; // set control.refuse to refuse or allow later sockets
  class FakeWebSocket {
    constructor(url, protocols) {
      if (control.refuse) throw new Error('WebSocket refused');
      this.url = url;
      this.protocols = protocols;
      this.readyState = 0;
      this.sent = [];
      this.closedWith = undefined;
      sockets.push(this);
    }

    send(text) {
      if (this.readyState !== 1) throw new Error('not open');
      this.sent.push(JSON.parse(text));
    }

    close(code) {
      this.closedWith = code;
      this.readyState = 3;
    }

    // server side
    accept() {
      this.readyState = 1;
      this.onopen && this.onopen({});
    }

    push(frame) {
      this.onmessage && this.onmessage({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
    }

    drop(code = 1006) {
      this.readyState = 3;
      this.onclose && this.onclose({ code });
    }

    frames(type) {
      return this.sent.filter((f) => f.type === type);
    }
  }
  return { FakeWebSocket, sockets, control };
}

/** A controllable SSE response body. */
export class SseStream {
  constructor() {
    this.encoder = new TextEncoder();
    this.cancelled = false;
    this.stream = new ReadableStream({
      start: (controller) => {
        this.controller = controller;
      },
      cancel: () => {
        this.cancelled = true;
      },
    });
  }

  write(text) {
    if (!this.cancelled) this.controller.enqueue(this.encoder.encode(text));
  }

  message(message, cursor) {
    const event = message.event && message.event !== 'message' ? `event: ${message.event}\n` : '';
    this.write(`id: ${cursor}\n${event}data: ${JSON.stringify(message)}\n\n`);
  }

  end() {
    if (!this.cancelled) this.controller.close();
  }

  /** The connection breaks mid-stream: the body's reader rejects, as fetch's does on a network error. */
  fail() {
    if (!this.cancelled) this.controller.error(new TypeError('network error'));
  }
}

function json(status, body) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

/**
 * A fetch whose answers come from `routes[pathname](request)`; every request
 * is recorded with its parsed URL. A route returns a Response, an object
 * (sent as JSON 200/202), or a promise of either; it may throw for a network
 * error. Requests are aborted through their signal like real ones.
 */
export function makeFakeFetch(routes) {
  const requests = [];
  async function fetch(url, init = {}) {
    const u = new URL(url);
    const request = {
      url: u,
      method: init.method || 'GET',
      headers: init.headers || {},
      body: init.body,
      signal: init.signal,
      path: u.pathname,
      channels: u.searchParams.getAll('channel'),
      since: u.searchParams.get('since'),
      timeout: u.searchParams.get('timeout'),
    };
    requests.push(request);
    const name = u.pathname.slice(u.pathname.lastIndexOf('/') + 1);
    const route = routes[name];
    if (!route) return json(404, { error: 'not_found', message: 'no route' });
    const answer = route(request);
    const aborted = new Promise((_, reject) => {
      if (!init.signal) return;
      const fail = () => reject(new DOMException('aborted', 'AbortError'));
      if (init.signal.aborted) fail();
      init.signal.addEventListener('abort', fail);
    });
    const result = await Promise.race([Promise.resolve(answer), aborted]);
    if (result instanceof Response) return result;
    return json(request.method === 'POST' ? 202 : 200, result);
  }
  return { fetch, requests };
}

export function sseResponse(stream) {
  return new Response(stream.stream, { status: 200, headers: { 'Content-Type': 'text/event-stream; charset=utf-8' } });
}

export { json };

export function msg(channel, id, data, extra = {}) {
  return { channel, id: String(id), event: 'message', data, ts: 1764300000000 + Number(id), ...extra };
}

/** A held answer the test settles later: `deferred.reject(new TypeError(...))` is a connection lost under a held poll. */
export function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Never-settling promise that rejects when the request is aborted (a held poll). */
export function held() {
  return new Promise(() => {});
}

/**
 * An in-memory Web Locks manager (`navigator.locks`): exclusive locks granted
 * in request order, held until the callback's promise settles; a request can
 * be withdrawn through its `signal` while it waits.
 */
export function makeFakeLocks() {
  const queues = new Map(); // name -> waiting requests
  const held = new Set();
  function grantNext(name) {
    const queue = queues.get(name);
    if (held.has(name) || !queue || queue.length === 0) return;
    const req = queue.shift();
    held.add(name);
    Promise.resolve()
      .then(() => req.callback({ name, mode: 'exclusive' }))
      .then(
        (value) => {
          held.delete(name);
          req.resolve(value);
          grantNext(name);
        },
        (error) => {
          held.delete(name);
          req.reject(error);
          grantNext(name);
        },
      );
  }
  return {
    held,
    request(name, options, callback) {
      if (typeof options === 'function') {
        callback = options;
        options = {};
      }
      return new Promise((resolve, reject) => {
        const req = { callback, resolve, reject };
        const signal = options && options.signal;
        if (signal) {
          if (signal.aborted) {
            reject(new DOMException('aborted', 'AbortError'));
            return;
          }
          signal.addEventListener('abort', () => {
            const queue = queues.get(name) || [];
            const i = queue.indexOf(req);
            if (i >= 0) {
              queue.splice(i, 1);
              reject(new DOMException('aborted', 'AbortError'));
            }
          });
        }
        if (!queues.has(name)) queues.set(name, []);
        queues.get(name).push(req);
        grantNext(name);
      });
    },
  };
}

/** A page's `window` for the client's page-life hooks: events, `navigator.onLine`, `document.visibilityState`. */
export function makeFakeWindow() {
  const win = new EventTarget();
  win.navigator = { onLine: true };
  win.document = new EventTarget();
  win.document.visibilityState = 'visible';
  win.setOnline = (online) => {
    win.navigator.onLine = online;
    win.dispatchEvent(new Event(online ? 'online' : 'offline'));
  };
  win.setVisible = (visible) => {
    win.document.visibilityState = visible ? 'visible' : 'hidden';
    win.document.dispatchEvent(new Event('visibilitychange'));
  };
  win.pageHide = () => win.dispatchEvent(Object.assign(new Event('pagehide'), { persisted: true }));
  win.pageShow = () => win.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
  return win;
}
