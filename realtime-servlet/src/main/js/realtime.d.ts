// Type declarations for realtime.js (wire protocol version 1.1).

export type TransportName = 'websocket' | 'sse' | 'longpoll';
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';
/** How this client's connection is held: `worker` (a SharedWorker), `leader` (a leader tab), `none` (its own). */
export type ShareMode = 'worker' | 'leader' | 'none';

/** The library version this client belongs to. */
export const VERSION: string;

/** A published message, the same object on every transport. */
export interface RealtimeMessage<T = unknown> {
  /** The real channel, also when a wildcard pattern delivered it. */
  channel: string;
  /** Opaque, unique within its channel; compare for equality only. Absent on an ephemeral message. */
  id: string;
  /** `message` unless the publisher named another event. */
  event: string;
  data: T;
  /** Server time of publish, epoch milliseconds. */
  ts: number;
  /** Protocol 1.1: delivered live only, never stored or replayed; such a message has no `id`. */
  ephemeral?: true;
}

export interface PublishAck {
  channel: string;
  /** Absent for an ephemeral publish. */
  id?: string;
  ephemeral?: true;
}

/** A presence member (protocol 1.1). */
export interface PresenceMember<I = unknown> {
  member: string;
  info: I;
}

/** A presence event (protocol 1.1): `sync` carries the whole list, the others one member. */
export interface PresenceEvent<I = unknown> {
  channel: string;
  action: 'sync' | 'join' | 'update' | 'leave';
  member?: string;
  info?: I;
  members?: PresenceMember<I>[];
  ts: number;
}

export interface JoinOptions<I = unknown> {
  /** The member id; the server uses the signed-in user's name instead when it knows one. */
  member?: string;
  /** Small JSON (1 KiB by default). */
  info?: I;
}

export interface PresenceJoin {
  channel: string;
  leave(): void;
}

export interface PresenceWatch<I = unknown> {
  channel: string;
  /** The members as the last event left them. */
  readonly members: PresenceMember<I>[];
  stop(): void;
}

export interface ConnectOptions {
  /** Transports to try, in order. Default `['websocket', 'sse', 'longpoll']`. */
  transports?: TransportName[];
  /** Milliseconds a transport may take to open before the next one is tried. Default 10000. */
  connectTimeout?: number;
  /** The server's SSE heartbeat interval. Default 15000. */
  heartbeatInterval?: number;
  /** SSE stream silent this long counts as stalled. Default 2 x heartbeatInterval. */
  sseStallTimeout?: number;
  /** WebSocket: send a ping frame after this long without a frame. Default 25000. */
  pingInterval?: number;
  /** WebSocket: stalled when nothing arrives this long after a ping. Default 10000. */
  pingTimeout?: number;
  /**
   * Back online (the `window`'s `online` event): a WebSocket believed open must answer a ping within
   * this, or it reconnects at once; SSE and long-poll requests are reopened from the cursor. Default 3000.
   */
  onlineCheckTimeout?: number;
  /** Long-poll hold time asked of the server. Default 25000. */
  pollTimeout?: number;
  /** Extra wait before a held poll counts as stalled. Default 10000. */
  pollGrace?: number;
  /** Backoff base in milliseconds (an SSE `retry:` value replaces it). Default 1000. */
  reconnectDelay?: number;
  /** Backoff cap; also the slow retry while the browser says it is offline. Default 30000. */
  maxReconnectDelay?: number;
  /** Random fraction of every delay, 0..1. Default 0.5. */
  jitter?: number;
  /**
   * After falling back from WebSocket to SSE or long-polling, try a WebSocket again in the background
   * and move back to it once the server answered over it, without loss or duplicates. Default true.
   */
  climbBack?: boolean;
  /** First climb-back try after this many ms on a lower transport, doubling after each failed try. Default 5000. */
  climbBackDelay?: number;
  /** Cap of the climb-back delay. Default 120000. */
  maxClimbBackDelay?: number;
  /** WebSocket publish without an ack fails with code `timeout` after this. Default 10000. */
  publishTimeout?: number;
  /** HTTP publish retries (same Idempotency-Key) on network errors, 429 and 5xx. Default 3. */
  publishRetries?: number;
  /** Backoff base between HTTP publish retries. Default 500. */
  publishRetryDelay?: number;
  /** Message ids remembered per channel to drop duplicates. Default 1000. */
  dedupWindow?: number;
  /**
   * Channels per connection, as the server's `realtime.channels.max` (default 64). A subscription
   * beyond it is refused alone: its `ready` rejects and an `error` event names it with
   * `too_many_channels`; the other channels keep flowing. A lower limit answered by the server is
   * learnt the same way on SSE and long-polling (the newest channels are refused). Default 64.
   */
  maxChannels?: number;
  /** Fetch a starting cursor for subscriptions without `since`, so they resume after a drop. Default true. */
  anchor?: boolean;
  /** Send cookies with cross-origin HTTP requests. Default false. */
  withCredentials?: boolean;
  /**
   * Connection tickets (protocol 1.1): returns a fresh ticket from the application's own endpoint,
   * e.g. `() => fetch('/api/realtime-ticket', { method: 'POST' }).then((r) => r.text())`. Called to
   * connect without a valid resume token (possibly twice as the client starts: once for the anchor
   * poll, once for the connection) and halfway through the credential's lifetime to refresh it. The
   * ticket, then the server's resume token, travels in the `Realtime-Ticket` header (SSE, long-polling,
   * publishes) or as the WebSocket subprotocol `realtime.ticket.<ticket>`, never in a URL. A refresh
   * happens in place on WebSocket and with the next request on SSE and long-polling; a channel the new
   * credential no longer allows is dropped with an `error` event (`forbidden`, naming it). A client
   * with tickets keeps a connection of its own (no `share`). Errors: `no_ticket` when the callback
   * fails; `credential_expired`, `ticket_used`, `ticket_expired`, `invalid_ticket` from the server
   * (the client gets a new ticket and resumes from its cursor).
   */
  ticket?: () => string | Promise<string>;
  /**
   * One connection for all tabs of this origin that use the same base URL and the same connection
   * options. `true` (default): a SharedWorker where the browser has one, else a leader tab elected with
   * a Web Lock that holds the connection for the others over a BroadcastChannel, else a connection of
   * this tab's own. `'worker'` or `'leader'` start with that mode; `false` keeps a connection of its own.
   * A client given its own `fetch` or `WebSocket` does not share unless a mode is named.
   */
  share?: boolean | 'worker' | 'leader';
  /**
   * The shared worker's script: a module that is this client (it serves the tabs when it finds itself in
   * a SharedWorker). Default `{url}/realtime.js`, as the server serves it; it must be same-origin.
   */
  workerUrl?: string;
  /** Overrides for tests or non-browser hosts. */
  fetch?: typeof fetch;
  WebSocket?: typeof WebSocket;
  baseHref?: string;
  /**
   * The page: its `online` event reconnects at once (and `navigator.onLine === false` holds reconnects
   * back), `pagehide` closes the connection (a leader tab hands it over), `pageshow` from the
   * back/forward cache resumes, and its `document` becoming visible reconnects at once. Default: `window`.
   */
  window?: EventTarget;
  random?: () => number;
  SharedWorker?: typeof SharedWorker;
  BroadcastChannel?: typeof BroadcastChannel;
  locks?: LockManager;
}

export interface SubscribeOptions {
  /** A cursor, or `'earliest'` for all retained history. Default: from now. */
  since?: string;
}

export interface Subscription {
  channel: string;
  /** Resolves once the subscription has been handed to the connection. */
  ready: Promise<void>;
  /** Removes this handler; the channel is unsubscribed when no handler is left. */
  unsubscribe(): void;
}

export interface PublishOptions {
  /** Event name; `message` when left out. */
  event?: string;
  /** Protocol 1.1: deliver live to the current subscribers only; nothing is stored (typing indicators). */
  ephemeral?: boolean;
}

/** How the connection is held, as the `share` event and `client.shared` tell it. */
export interface ShareInfo {
  mode: ShareMode;
  /** Tabs sharing the connection (1 when it is this tab's own). */
  tabs: number;
  /** In `leader` mode: this tab holds the connection for the others. */
  leader: boolean;
}

export interface TransportChange {
  transport: TransportName;
  previous: TransportName | undefined;
  /**
   * `connect` (the first), `fallback` (the previous one failed or stalled), `climb` (back to WebSocket
   * once it worked again), `retry` (a new round after every transport failed, or the network came back).
   */
  reason: 'connect' | 'fallback' | 'climb' | 'retry';
}

export interface RealtimeEventMap {
  transport: TransportChange;
  share: ShareInfo;
  state: { state: ConnectionState; transport: TransportName | undefined };
  gap: { channel: string };
  error: { code: string; message: string; channel?: string; error: RealtimeError };
  message: RealtimeMessage;
  presence: PresenceEvent;
}

export class RealtimeError extends Error {
  /**
   * Protocol error code, e.g. `invalid_channel`, `forbidden`, `too_many_channels`, or a client code:
   * `connection_lost`, `timeout`, `connect_failed` (every allowed transport failed before ever opening;
   * the client keeps trying), `handler_error`, `no_ticket` (the `ticket` callback failed), `closed` (the
   * client, or the shared connection it used, was closed).
   */
  code: string;
  /** HTTP status, when the error came from an HTTP answer. */
  status?: number;
  channel?: string;
  constructor(code: string, message?: string, extra?: object);
}

export class RealtimeClient extends EventTarget {
  constructor(url: string, options?: ConnectOptions);
  readonly url: string;
  readonly state: ConnectionState;
  readonly transport: TransportName | undefined;
  /** The latest connection cursor (opaque). */
  readonly cursor: string | undefined;
  readonly channels: string[];
  /** How the connection is held: a SharedWorker, a leader tab (maybe this one), or this tab's own. */
  readonly shared: ShareInfo;
  /** A channel, or (protocol 1.1) a wildcard pattern: `room:*` (one more segment) or `room:**` (any more). */
  subscribe<T = unknown>(channel: string, handler: (message: RealtimeMessage<T>) => void, options?: SubscribeOptions): Subscription;
  unsubscribe(channel: string): void;
  /**
   * Publishes over the WebSocket when it is open (a frame with a fresh `idempotencyKey`), else
   * `POST {base}/publish` with an `Idempotency-Key`. A publish whose ack was lost with the socket,
   * or that failed with a network error, 429 or 5xx, is retried with the same key, so it is never
   * doubled. Rejects with a RealtimeError carrying the protocol `code`.
   */
  publish(channel: string, data: unknown, options?: PublishOptions): Promise<PublishAck>;
  /**
   * Joins the channel's presence (protocol 1.1) until `leave()`, across reconnects. Over SSE and
   * long-polling every join of a connection carries the member and info of its first join.
   */
  join<I = unknown>(channel: string, options?: JoinOptions<I>): PresenceJoin;
  /** Watches the channel's presence: a `sync` first, then every change, each with the members after it. */
  presence<I = unknown>(channel: string, listener?: (event: PresenceEvent<I>, members: PresenceMember<I>[]) => void): PresenceWatch<I>;
  /** The channel's members now, over plain HTTP. */
  members<I = unknown>(channel: string): Promise<PresenceMember<I>[]>;
  /** Listens to an event; returns a function that stops listening. */
  on<K extends keyof RealtimeEventMap>(name: K, fn: (detail: RealtimeEventMap[K], event: CustomEvent<RealtimeEventMap[K]>) => void): () => void;
  close(): void;
}

export function connect(url: string, options?: ConnectOptions): RealtimeClient;
export default connect;

export const DEFAULT_TRANSPORTS: readonly TransportName[];
export const DEFAULT_OPTIONS: Readonly<
  Required<Omit<ConnectOptions, 'fetch' | 'WebSocket' | 'baseHref' | 'random' | 'window' | 'SharedWorker' | 'BroadcastChannel' | 'locks' | 'sseStallTimeout' | 'workerUrl'>>
> & { sseStallTimeout: number | undefined; workerUrl: string | undefined };

export function isValidChannel(name: unknown): boolean;
export function isValidEvent(name: unknown): boolean;
/** Protocol 1.1: `room:*` or `room:**`. */
export function isValidPattern(name: unknown): boolean;
/** Whether the pattern stands for the channel, as the server decides it. */
export function matchesPattern(pattern: string, channel: string): boolean;
export function computeBackoff(
  attempt: number,
  options?: { base?: number; max?: number; factor?: number; jitter?: number },
  random?: () => number,
): number;
export function buildUrl(
  base: string,
  path: string,
  params?: Record<string, string | number | Array<string | number> | undefined | null>,
  options?: { baseHref?: string; websocket?: boolean },
): string;
export function newIdempotencyKey(random?: () => number): string;

export class DuplicateFilter {
  constructor(limit?: number);
  /** Records the id; true when it was already recorded for that channel. */
  isDuplicate(channel: string, id: string | undefined | null): boolean;
  forget(channel: string): void;
}

export interface ResumePlan {
  cursor: string | undefined;
  covered: string[];
  others: Array<{ channel: string; since: string | undefined }>;
}

export class ResumeTracker {
  cursor: string | undefined;
  add(channel: string, since?: string): void;
  remove(channel: string): void;
  has(channel: string): boolean;
  names(): string[];
  isCovered(channel: string): boolean;
  sinceOf(channel: string): string | undefined;
  update(cursor: string, live: Iterable<string>): void;
  setSince(channel: string, since: string | undefined): void;
  reset(): void;
  plan(): ResumePlan;
}

export interface SseEvent {
  type: string;
  data: string;
  id: string | undefined;
}

export class SseParser {
  constructor(handlers?: { onEvent?: (event: SseEvent) => void; onRetry?: (ms: number) => void; onComment?: (text: string) => void });
  feed(chunk: string): void;
}
