/**
 * A raw UDP SIP client for the collector tests: sends a datagram from its own loopback socket and
 * waits for the replies (not a test file itself). Loopback only.
 */
import dgram from 'node:dgram';

export interface UdpClient {
  port: number;
  /** Sends `datagram` to 127.0.0.1:`to` and resolves with the first reply of the same Call-ID within `timeoutMs`, or `undefined`. */
  exchange(to: number, datagram: Buffer, timeoutMs?: number): Promise<string | undefined>;
  /** Sends without waiting. */
  send(to: number, datagram: Buffer): Promise<void>;
  /** Every reply received so far. */
  replies: string[];
  close(): Promise<void>;
}

export async function udpClient(): Promise<UdpClient> {
  const socket = dgram.createSocket('udp4');
  const replies: string[] = [];
  const waiters = new Map<string, (text: string) => void>();
  socket.on('message', (buf) => {
    const text = buf.toString('utf8');
    replies.push(text);
    const id = callIdOf(text);
    const w = id === undefined ? undefined : waiters.get(id);
    if (w) {
      waiters.delete(id!);
      w(text);
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  const send = (to: number, datagram: Buffer): Promise<void> =>
    new Promise((resolve, reject) => socket.send(datagram, to, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
  return {
    port: socket.address().port,
    replies,
    send,
    async exchange(to, datagram, timeoutMs = 2000) {
      const id = callIdOf(datagram.toString('latin1')) ?? '';
      const reply = new Promise<string | undefined>((resolve) => {
        const timer = setTimeout(() => {
          waiters.delete(id);
          resolve(undefined);
        }, timeoutMs);
        waiters.set(id, (text) => {
          clearTimeout(timer);
          resolve(text);
        });
      });
      await send(to, datagram);
      return reply;
    },
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

function callIdOf(text: string): string | undefined {
  return /^(?:Call-ID|i)[ \t]*:[ \t]*(\S+)/im.exec(text)?.[1];
}
