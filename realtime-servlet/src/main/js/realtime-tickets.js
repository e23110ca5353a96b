// Connection tickets (wire protocol 1.1): the `ticket` option. A Connection
// with tickets sends every request through a fetch that presents the current
// credential in the Realtime-Ticket header, and opens WebSockets offering it as
// the subprotocol `realtime.ticket.<ticket>` (a browser cannot set headers on a
// handshake); never in a URL. The credential is a fresh ticket from the
// application's callback, then the server's resume token; halfway through its
// lifetime the client gets a new ticket and refreshes: in place on WebSocket,
// with the next request on SSE and long-polling.

import { RealtimeError } from './realtime-protocol.js';

const HEADER = 'Realtime-Ticket';
/** A token this close to its expiry (or a tenth of its lifetime, if shorter) is not presented: it could expire on the way. */
const SAFETY = 1000;

/** The credential of one connection: a waiting refresh ticket, the resume token, the refresh timer. */
export class TicketAuth {
  /**
   * @param source   the application's `ticket` option: () => string | Promise<string>
   * @param onTicket receives each refresh ticket, to send on the open connection or `offer` to the next request
   * @param onError  receives a failing callback's error (the connection then expires and reconnects)
   */
  constructor(source, onTicket, onError, now = () => Date.now()) {
    this._source = source;
    this._onTicket = onTicket;
    this._onError = onError;
    this._now = now;
    this._token = undefined;
    this._deadline = 0;
    this._safety = SAFETY;
    this._waiting = undefined;
    this._timer = undefined;
    this._closed = false;
  }

  /** What the next request or handshake presents. */
  credential() {
    if (this._waiting !== undefined) {
      const t = this._waiting;
      this._waiting = undefined;
      return Promise.resolve(t);
    }
    if (this._token !== undefined && this._deadline - this._now() > this._safety) return Promise.resolve(this._token);
    return this._fetch();
  }

  _fetch() {
    return Promise.resolve()
      .then(() => this._source())
      .then(
        (t) => {
          if (typeof t !== 'string' || !t.trim()) throw new RealtimeError('no_ticket', 'the ticket callback returned no ticket');
          return t.trim();
        },
        (e) => {
          throw new RealtimeError('no_ticket', `the ticket callback failed: ${e && e.message ? e.message : e}`, { cause: e });
        },
      );
  }

  /** The server's resume token and the milliseconds until the credential expires. */
  accept(token, expiresIn) {
    const deadline = this._now() + expiresIn;
    // the same token comes back with every answer to a request that presented it: its refresh is set already
    if (this._closed || typeof token !== 'string' || !(expiresIn > 0) || token === this._token) return;
    if (this._token !== undefined && deadline < this._deadline) return; // an older answer arriving late
    this._token = token;
    this._deadline = deadline;
    this._safety = Math.min(SAFETY, expiresIn / 10);
    clearTimeout(this._timer);
    // halfway through, but not earlier than a minute before expiry
    const at = Math.max(expiresIn / 2, expiresIn - 60000);
    this._timer = setTimeout(() => this._refresh(), at);
  }

  _refresh() {
    if (this._closed) return;
    this._fetch().then(
      (t) => !this._closed && this._onTicket(t),
      (e) => !this._closed && this._onError(e),
    );
  }

  /** A refresh ticket the next request presents. */
  offer(ticket) {
    this._waiting = ticket;
  }

  /** The credential expired or was refused: the next request gets a new ticket. */
  forget(sent) {
    if (sent === undefined || sent === this._token) this._token = undefined;
    if (sent === undefined) this._waiting = undefined;
  }

  close() {
    this._closed = true;
    clearTimeout(this._timer);
  }
}

/** A fetch that presents the credential and takes the resume token from every answer. */
export function ticketedFetch(fetch, auth) {
  return async (url, init = {}) => {
    const sent = await auth.credential();
    const response = await fetch(url, { ...init, headers: { ...(init.headers || {}), [HEADER]: sent } });
    const token = response.headers && response.headers.get('realtime-token');
    const expiresIn = Number(response.headers && response.headers.get('realtime-expires-in'));
    if (token && expiresIn > 0) auth.accept(token, expiresIn);
    else if (response.status === 401) auth.forget(sent);
    return response;
  };
}

/**
 * A WebSocket class that, once it has a credential, opens the real socket
 * offering it as a subprotocol (the server selects `realtime.v1`), and reads
 * the `authenticated` frame on the way. It behaves as a socket that is still
 * connecting until then.
 */
export function ticketedWebSocket(WebSocketImpl, auth) {
  return class TicketedWebSocket {
    constructor(url) {
      this.url = url;
      this._ws = undefined;
      this._stopped = false;
      auth.credential().then(
        (credential) => {
          if (this._stopped) return;
          let ws;
          try {
            ws = new WebSocketImpl(url, ['realtime.v1', `realtime.ticket.${credential}`]);
          } catch (e) {
            this._closed(1006);
            return;
          }
          this._ws = ws;
          ws.onopen = (e) => this.onopen && this.onopen(e);
          ws.onerror = (e) => this.onerror && this.onerror(e);
          ws.onclose = (e) => {
            if (e && e.code === 4401) auth.forget(); // expired unrefreshed: the reconnect needs a new ticket
            if (this.onclose) this.onclose(e);
          };
          ws.onmessage = (e) => {
            if (typeof e.data === 'string' && e.data.startsWith('{"type":"authenticated"')) {
              try {
                const f = JSON.parse(e.data);
                auth.accept(f.token, f.expiresIn);
              } catch (_) {
                // not ours to judge: the transport sees it too
              }
            }
            if (this.onmessage) this.onmessage(e);
          };
        },
        () => this._closed(1006), // no ticket: as a handshake that failed; the connection retries with backoff
      );
    }

    _closed(code) {
      setTimeout(() => !this._stopped && this.onclose && this.onclose({ code }), 0);
    }

    get readyState() {
      return this._ws ? this._ws.readyState : this._stopped ? 3 : 0;
    }

    send(data) {
      this._ws.send(data);
    }

    close(code, reason) {
      this._stopped = true;
      if (this._ws) this._ws.close(code, reason);
    }
  };
}

/**
 * Sets a Connection up for tickets (`options.ticket`): its fetch and WebSocket
 * present the credential, and a refresh ticket goes to the open WebSocket in an
 * `auth` frame, or to the next request (reopening an SSE stream for it).
 */
export function installTickets(connection) {
  const auth = new TicketAuth(
    connection.options.ticket,
    (ticket) => {
      const t = connection._transport;
      if (t && t.name === 'websocket' && t.canPublish()) {
        t._send({ type: 'auth', ticket });
        return;
      }
      auth.offer(ticket);
      if (t && t.name === 'sse') connection._scheduleRestart(t);
    },
    (e) => connection._emitError(e),
  );
  connection._tickets = auth;
  if (typeof connection._fetch === 'function') connection._fetch = ticketedFetch(connection._fetch, auth);
  if (typeof connection._WebSocket === 'function') connection._WebSocket = ticketedWebSocket(connection._WebSocket, auth);
}

/**
 * An SSE `error` event (protocol 1.1): a channel the credential does not allow
 * is dropped by name; without a channel it is the credential's end, and the
 * stream ends with it.
 */
export function sseError(connection, data) {
  const err = new RealtimeError(data.code || 'error', data.message, { channel: data.channel, status: data.channel ? 403 : 401 });
  if (data.channel) {
    refuseChannel(connection, data.channel, err);
  } else {
    if (connection._tickets) connection._tickets.forget();
    connection._emitError(err);
  }
}

/** A channel the credential does not (or no longer) allow: dropped, and named in an `error` event. */
export function refuseChannel(connection, channel, err) {
  if (!connection.has(channel)) return;
  connection.unsubscribe(channel);
  connection.sink.refused(channel, err);
}
