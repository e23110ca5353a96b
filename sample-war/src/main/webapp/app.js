// The chat sample: rooms are channels `room:<name>`, messages are published
// with event `message` and data {nick, text}. Everything realtime goes
// through the bundled client, served by the library at realtime/realtime.js.
import { connect, isValidChannel } from './realtime/realtime.js';
import { watch as watchLiveStats } from './live-stats.js';

const params = new URLSearchParams(location.search);
// 'announcements' is read-only for clients: only the server posts there (web.xml: realtime.authorizer)
const DEFAULT_ROOMS = ['lobby', 'random', 'help', 'announcements'];
const TRANSPORT_CHOICES = {
  auto: undefined, // the client's default order: WebSocket, SSE, long-polling
  websocket: ['websocket'],
  sse: ['sse'],
  longpoll: ['longpoll'],
};
const TRANSPORT_LABELS = { websocket: 'WebSocket', sse: 'SSE', longpoll: 'Long-polling' };
const STATE_LABELS = { connecting: 'connecting\u2026', open: 'connected', reconnecting: 'reconnecting\u2026', closed: 'disconnected' };

const $ = (id) => document.getElementById(id);
const ui = {
  state: $('state'),
  stateText: $('state-text'),
  transport: $('transport'),
  share: $('share'),
  climb: $('climb'),
  transportSelect: $('transport-select'),
  nick: $('nick'),
  signIn: $('sign-in'),
  signedIn: $('signed-in'),
  signOut: $('sign-out'),
  rooms: $('rooms'),
  joinForm: $('join-form'),
  joinName: $('join-name'),
  joinError: $('join-error'),
  roomName: $('room-name'),
  roomCount: $('room-count'),
  online: $('online'),
  typing: $('typing'),
  notices: $('notices'),
  messages: $('messages'),
  sendForm: $('send-form'),
  text: $('text'),
  send: $('send'),
  sendError: $('send-error'),
};

/** room name -> { entries: [message | {gap}], ids: Set, unread } */
const rooms = new Map();
let active;
let client;
/** The user signed in (api/session), whose connection then runs on tickets; undefined when anonymous. */
let signedIn;

function remember(key, value) {
  try {
    localStorage.setItem(`realtime-chat.${key}`, value);
  } catch (_) {
    // private mode: nothing to keep
  }
}

function recall(key) {
  try {
    return localStorage.getItem(`realtime-chat.${key}`);
  } catch (_) {
    return null;
  }
}

function channelOf(room) {
  return `room:${room}`;
}

function normaliseRoom(name) {
  return name.trim().replace(/^#/, '').replace(/\s+/g, '-').toLowerCase();
}

// ------------------------------------------------------------- connection

function startClient() {
  if (client) client.close();
  const choice = ui.transportSelect.value;
  const options = {};
  if (TRANSPORT_CHOICES[choice]) options.transports = TRANSPORT_CHOICES[choice];
  // signed in: the client asks the page's server for a short-lived ticket whenever it needs one (to
  // connect, and before its credential expires); no long-lived credential ever reaches realtime or a URL
  if (signedIn) options.ticket = fetchTicket;
  client = connect('realtime', options);
  window.realtimeChat.client = client;
  client.on('transport', ({ transport, previous, reason }) => {
    ui.transport.dataset.transport = transport;
    ui.transport.textContent = TRANSPORT_LABELS[transport] || transport;
    // after a fallback the client keeps trying WebSocket in the background and moves back up when it works
    if (reason === 'climb') {
      console.info(`realtime: back on ${transport} (was ${previous})`);
      showClimb(`back on ${TRANSPORT_LABELS[transport]} (was ${TRANSPORT_LABELS[previous] || previous})`);
    }
  });
  // the tabs of this browser share one connection: in a SharedWorker, or held by one of them (the leader)
  client.on('share', ({ mode, tabs, leader }) => {
    ui.share.dataset.mode = mode;
    ui.share.dataset.tabs = String(tabs);
    if (mode === 'none') ui.share.textContent = "this tab's own connection";
    else if (tabs <= 1) ui.share.textContent = 'shared connection, this tab only';
    else if (mode === 'leader' && leader) ui.share.textContent = `shared by ${tabs} tabs, held by this one`;
    else ui.share.textContent = `shared by ${tabs} tabs`;
  });
  client.on('state', ({ state, transport }) => {
    console.info(`realtime: ${state} (${transport})`);
    ui.state.dataset.state = state;
    ui.stateText.textContent = STATE_LABELS[state] || state;
  });
  client.on('gap', ({ channel }) => {
    console.warn(`realtime: gap in ${channel}`);
    const room = channel.slice('room:'.length);
    const r = rooms.get(room);
    if (!r) return;
    // ids may start again after a gap (server restart, lost history): forget the ones shown
    r.ids.clear();
    r.entries.push({ gap: true, at: Date.now() });
    if (room === active) renderMessages();
    showNotice(`Some messages in #${room} could not be recovered (the server no longer had them).`, room);
  });
  client.on('error', ({ code, message, channel }) => {
    console.warn(`realtime: ${code}: ${message}`);
    if (code === 'forbidden' && channel) showNotice(`Not allowed in #${channel.slice('room:'.length)}: ${message}`, active);
  });
  for (const room of rooms.keys()) subscribeRoom(room);
  watchLiveStats(client);
  followPresence();
}

// ------------------------------------------------ who is here, who types
// Presence and typing use protocol 1.1: the room's presence lists the
// members (by nick) with their info; typing is an ephemeral message, which
// reaches whoever is in the room now and is never stored or replayed.

let presenceWatch;
let presenceJoin;
/** nick -> time of the last typing notice, for the active room */
const typing = new Map();
const TYPING_SHOWN_FOR = 4000;
const TYPING_EVERY = 2000;
let lastTypingSent = 0;

function followPresence() {
  if (presenceWatch) presenceWatch.stop();
  if (presenceJoin) presenceJoin.leave();
  presenceWatch = presenceJoin = undefined;
  typing.clear();
  renderTyping();
  renderOnline([]);
  if (!client || !active) return;
  const channel = channelOf(active);
  presenceWatch = client.presence(channel, (event, members) => renderOnline(members));
  const nick = ui.nick.value.trim();
  if (nick) presenceJoin = client.join(channel, { member: nick, info: { nick } });
}

function renderOnline(members) {
  const nicks = members.map((m) => (m.info && typeof m.info.nick === 'string' ? m.info.nick : m.member)).sort();
  ui.online.dataset.members = nicks.join(',');
  const me = ui.nick.value.trim();
  ui.online.textContent = nicks.length === 0 ? '' : `online: ${nicks.map((n) => (n === me ? `${n} (you)` : n)).join(', ')}`;
}

function onTyping(room, message) {
  const nick = message.data && typeof message.data.nick === 'string' ? message.data.nick : undefined;
  if (room !== active || !nick || nick === ui.nick.value.trim()) return;
  typing.set(nick, Date.now());
  renderTyping();
  setTimeout(renderTyping, TYPING_SHOWN_FOR + 50);
}

function renderTyping() {
  const now = Date.now();
  for (const [nick, at] of typing) if (now - at > TYPING_SHOWN_FOR) typing.delete(nick);
  const nicks = [...typing.keys()].sort();
  ui.typing.dataset.typing = nicks.join(',');
  ui.typing.textContent = nicks.length === 0 ? '' : nicks.length === 1 ? `${nicks[0]} is typing\u2026` : `${nicks.join(', ')} are typing\u2026`;
}

/** While the user types, a typing notice every two seconds at most. */
function typed() {
  const nick = ui.nick.value.trim();
  if (!client || !nick || !ui.text.value.trim() || Date.now() - lastTypingSent < TYPING_EVERY) return;
  lastTypingSent = Date.now();
  client.publish(channelOf(active), { nick }, { event: 'typing', ephemeral: true }).catch(() => {
    // a read-only room, or the connection is away: a typing notice is not worth a retry
  });
}

async function fetchTicket() {
  const response = await fetch('api/realtime-ticket', { method: 'POST' });
  if (!response.ok) throw new Error(`no ticket (HTTP ${response.status}): sign in again`);
  return response.text();
}

// ---------------------------------------------------------------- sign-in

/** Shows who is signed in; a signed-in user also gets #members, which the server keeps for them. */
function setSignedIn(user) {
  signedIn = user || undefined;
  ui.signIn.hidden = !!signedIn;
  ui.signOut.hidden = !signedIn;
  ui.signedIn.hidden = !signedIn;
  ui.signedIn.textContent = signedIn ? `signed in as ${signedIn}` : '';
  ui.nick.readOnly = !!signedIn;
  if (signedIn) {
    ui.nick.value = signedIn;
    addRoom('members');
  } else if (rooms.has('members')) {
    rooms.delete('members');
    if (active === 'members') selectRoom('lobby');
    else renderRooms();
  }
}

async function signIn() {
  const nick = ui.nick.value.trim();
  const response = await fetch(`api/session?nick=${encodeURIComponent(nick)}`, { method: 'POST' });
  if (!response.ok) {
    showError(ui.sendError, 'Sign in with a name of 1-32 letters, digits, _ . or -.');
    return;
  }
  setSignedIn((await response.json()).user);
  startClient();
}

async function signOut() {
  await fetch('api/session', { method: 'DELETE' });
  setSignedIn(undefined);
  startClient();
}

function subscribeRoom(room) {
  // `earliest`: show the history the server still holds when joining
  client.subscribe(channelOf(room), (message) => onMessage(room, message), { since: 'earliest' });
}

function onMessage(room, message) {
  if (message.event === 'typing' && message.ephemeral) {
    onTyping(room, message);
    return;
  }
  if (message.event !== 'message') return;
  const author = message.data && message.data.nick;
  if (room === active && typing.delete(author)) renderTyping(); // the message they were typing
  const r = rooms.get(room);
  if (!r || r.ids.has(message.id)) return; // already shown (e.g. after switching transport)
  r.ids.add(message.id);
  r.entries.push(message);
  if (room === active) {
    appendEntry(message);
    updateCount();
  } else {
    r.unread++;
    renderRooms();
  }
}

// ------------------------------------------------------------------ rooms

function addRoom(room, { select = false } = {}) {
  if (!rooms.has(room)) {
    rooms.set(room, { entries: [], ids: new Set(), unread: 0 });
    if (client) subscribeRoom(room);
  }
  if (select || !active) selectRoom(room);
  else renderRooms();
}

function selectRoom(room) {
  active = room;
  rooms.get(room).unread = 0;
  remember('room', room);
  const url = new URL(location.href);
  url.searchParams.set('room', room);
  history.replaceState(null, '', url);
  ui.roomName.textContent = `#${room}`;
  ui.notices.replaceChildren(...[...ui.notices.children].filter((n) => n.dataset.room === room));
  renderRooms();
  renderMessages();
  followPresence();
  ui.text.focus();
}

function renderRooms() {
  const items = [...rooms.entries()].map(([room, r]) => {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = room === active ? 'room active' : 'room';
    button.dataset.room = room;
    button.textContent = `#${room}`;
    if (r.unread > 0 && room !== active) {
      const badge = document.createElement('span');
      badge.className = 'unread';
      badge.textContent = r.unread > 99 ? '99+' : String(r.unread);
      button.append(badge);
    }
    button.addEventListener('click', () => selectRoom(room));
    li.append(button);
    return li;
  });
  ui.rooms.replaceChildren(...items);
}

// --------------------------------------------------------------- messages

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

function entryElement(entry) {
  const li = document.createElement('li');
  if (entry.gap) {
    li.className = 'gap-notice';
    li.dataset.room = active;
    li.textContent = 'Some earlier messages could not be recovered.';
    return li;
  }
  const data = entry.data && typeof entry.data === 'object' ? entry.data : { text: String(entry.data) };
  const nick = typeof data.nick === 'string' && data.nick ? data.nick : 'anonymous';
  li.className = nick === ui.nick.value.trim() ? 'message mine' : 'message';
  li.dataset.id = entry.id;
  li.dataset.room = active;
  const head = document.createElement('div');
  head.className = 'meta';
  const who = document.createElement('span');
  who.className = 'nick';
  who.textContent = nick;
  const when = document.createElement('time');
  when.dateTime = new Date(entry.ts).toISOString();
  when.textContent = timeFormat.format(new Date(entry.ts));
  head.append(who, when);
  const text = document.createElement('div');
  text.className = 'text';
  text.textContent = typeof data.text === 'string' ? data.text : JSON.stringify(data.text);
  li.append(head, text);
  return li;
}

function nearBottom() {
  const m = ui.messages;
  return m.scrollHeight - m.scrollTop - m.clientHeight < 80;
}

function appendEntry(entry) {
  const stick = nearBottom();
  ui.messages.append(entryElement(entry));
  if (stick) ui.messages.scrollTop = ui.messages.scrollHeight;
}

function renderMessages() {
  const r = rooms.get(active);
  if (r.entries.length === 0) {
    const empty = document.createElement('li');
    empty.className = 'empty';
    empty.textContent = 'No messages yet. Say hello!';
    ui.messages.replaceChildren(empty);
  } else {
    ui.messages.replaceChildren(...r.entries.map(entryElement));
  }
  ui.messages.scrollTop = ui.messages.scrollHeight;
  updateCount();
}

function updateCount() {
  const n = rooms.get(active).ids.size;
  const empty = ui.messages.querySelector('.empty');
  if (n > 0 && empty) empty.remove();
  ui.roomCount.textContent = n === 1 ? '1 message' : `${n} messages`;
}

function showNotice(text, room) {
  const div = document.createElement('div');
  div.className = 'notice';
  div.dataset.room = room;
  div.setAttribute('role', 'status');
  const span = document.createElement('span');
  span.textContent = text;
  const close = document.createElement('button');
  close.type = 'button';
  close.textContent = '\u00d7';
  close.title = 'dismiss';
  close.addEventListener('click', () => div.remove());
  div.append(span, close);
  if (room === active) ui.notices.append(div);
}

let climbTimer;
function showClimb(text) {
  ui.climb.textContent = text;
  ui.climb.hidden = false;
  clearTimeout(climbTimer);
  climbTimer = setTimeout(() => {
    ui.climb.hidden = true;
  }, 15000);
}

function showError(element, text) {
  element.textContent = text;
  element.hidden = !text;
}

// ------------------------------------------------------------------- wiring

async function send(event) {
  event.preventDefault();
  const nick = ui.nick.value.trim();
  const text = ui.text.value.trim();
  if (!nick) {
    showError(ui.sendError, 'Pick a name first (top left).');
    ui.nick.focus();
    return;
  }
  if (!text) return;
  showError(ui.sendError, '');
  ui.send.disabled = true;
  try {
    await client.publish(channelOf(active), { nick, text }, { event: 'message' });
    ui.text.value = '';
    lastTypingSent = 0;
  } catch (e) {
    showError(ui.sendError, e.code === 'forbidden'
      ? (active === 'announcements' ? `#${active} is read-only: only the server posts here.` : `Not sent: ${e.message}.`)
      : `Not sent (${e.code || 'error'}): ${e.message}. Try again.`);
  } finally {
    ui.send.disabled = false;
    ui.text.focus();
  }
}

function join(event) {
  event.preventDefault();
  const room = normaliseRoom(ui.joinName.value);
  if (!room) return;
  if (!isValidChannel(channelOf(room))) {
    showError(ui.joinError, 'Room names may use letters, digits and . _ - : @ / only.');
    return;
  }
  showError(ui.joinError, '');
  ui.joinName.value = '';
  addRoom(room, { select: true });
}

function init() {
  window.realtimeChat = { client: undefined, rooms };
  const transport = params.get('transport') || recall('transport') || 'auto';
  ui.transportSelect.value = Object.hasOwn(TRANSPORT_CHOICES, transport) ? transport : 'auto';
  ui.nick.value = params.get('nick') || recall('nick') || '';
  const extra = (params.get('rooms') || '').split(',').map(normaliseRoom).filter(Boolean);
  const wanted = normaliseRoom(params.get('room') || recall('room') || 'lobby');
  for (const room of [...DEFAULT_ROOMS, ...extra, wanted]) {
    // #members waits for the sign-in: the server refuses it to anonymous connections
    if (room !== 'members' && isValidChannel(channelOf(room)) && !rooms.has(room)) rooms.set(room, { entries: [], ids: new Set(), unread: 0 });
  }
  selectRoom(rooms.has(wanted) ? wanted : 'lobby');
  // signed in already (a reload)? then the client connects with tickets from the start
  fetch('api/session')
    .then((r) => (r.ok ? r.json() : {}))
    .catch(() => ({}))
    .then(({ user }) => {
      if (user) setSignedIn(user);
      if (wanted === 'members' && rooms.has('members')) selectRoom('members');
      startClient();
    });
  ui.signIn.addEventListener('click', () => signIn());
  ui.signOut.addEventListener('click', () => signOut());

  ui.sendForm.addEventListener('submit', send);
  ui.text.addEventListener('input', typed);
  ui.joinForm.addEventListener('submit', join);
  ui.nick.addEventListener('change', () => {
    remember('nick', ui.nick.value.trim());
    showError(ui.sendError, '');
    renderMessages();
    followPresence(); // join (again) under the new name
  });
  ui.transportSelect.addEventListener('change', () => {
    remember('transport', ui.transportSelect.value);
    const url = new URL(location.href);
    url.searchParams.set('transport', ui.transportSelect.value);
    history.replaceState(null, '', url);
    startClient();
  });
  if (!ui.nick.value) ui.nick.focus();
}

init();
