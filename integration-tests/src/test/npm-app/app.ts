// A bundled application using the npm package: typed subscribe, publish and events.
import { connect, VERSION, type PublishAck, type RealtimeMessage, type ShareInfo, type TransportChange } from '@dev-realtime/client';

interface Chat {
  nick: string;
  text: string;
}

interface Bundled {
  version: string;
  state: string;
  transport: string | undefined;
  shared: ShareInfo | null;
  got: string[];
  acks: PublishAck[];
  errors: string[];
  send(text: string): Promise<PublishAck>;
}

declare global {
  interface Window {
    bundled: Bundled;
  }
}

const room = new URLSearchParams(location.search).get('room') ?? 'lobby';
const channel = `room:${room}`;
const client = connect('realtime');
const bundled: Bundled = {
  version: VERSION,
  state: client.state,
  transport: client.transport,
  shared: null,
  got: [],
  acks: [],
  errors: [],
  send: (text) =>
    client.publish(channel, { nick: 'bundle', text } satisfies Chat, { event: 'message' }).then((ack) => {
      bundled.acks.push(ack);
      return ack;
    }),
};
window.bundled = bundled;
client.on('state', ({ state }) => {
  bundled.state = state;
});
client.on('transport', (change: TransportChange) => {
  bundled.transport = change.transport;
});
client.on('share', (info) => {
  bundled.shared = info;
});
client.on('error', ({ code }) => bundled.errors.push(code));
// the sample page beside it also sends ephemeral typing notices on the room: only chat lines count here
client.subscribe<Chat>(channel, (m: RealtimeMessage<Chat>) => {
  if (!m.ephemeral) bundled.got.push(m.data.text);
}, { since: 'earliest' });
