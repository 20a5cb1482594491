/**
 * The UDP socket of the HEP collector.
 *
 * Contract of `openHepSocket(host, port, handlers)`:
 * - binds `host:port` at once (udp6 for an IPv6 host); `onListening` once bound with the real
 *   address (port 0 picks a free one); `onError` on a bind or socket error (the socket is then
 *   unusable: close it);
 * - every datagram goes to `onDatagram` with its sender; a handler that throws is caught here and
 *   reported through `onHandlerError`, so no input can take the socket down;
 * - `close()` closes the socket; no handler is called after it. Idempotent.
 */
import dgram from 'node:dgram';
import { isIP } from 'node:net';

export interface HepPeer {
  address: string;
  port: number;
}

export interface HepSocketHandlers {
  onDatagram(buf: Buffer, from: HepPeer): void;
  onListening(address: string, port: number): void;
  onError(err: Error): void;
  onHandlerError(err: unknown, from: HepPeer): void;
}

export interface HepSocket {
  close(): void;
}

/** Kernel receive buffer asked for (capped by net.core.rmem_max): absorbs bursts of mirrored traffic. */
const RECV_BUFFER_BYTES = 4 * 1024 * 1024;

export function openHepSocket(host: string, port: number, h: HepSocketHandlers): HepSocket {
  let closed = false;
  const socket = dgram.createSocket({ type: isIP(host) === 6 ? 'udp6' : 'udp4', recvBufferSize: RECV_BUFFER_BYTES });
  socket.on('message', (buf, rinfo) => {
    if (closed) return;
    const from = { address: rinfo.address, port: rinfo.port };
    try {
      h.onDatagram(buf, from);
    } catch (e) {
      if (!closed) h.onHandlerError(e, from);
    }
  });
  socket.on('error', (err) => {
    if (!closed) h.onError(err);
  });
  socket.on('listening', () => {
    if (closed) return;
    const a = socket.address();
    h.onListening(a.address, a.port);
  });
  socket.bind(port, host);
  return {
    close() {
      if (closed) return;
      closed = true;
      try {
        socket.close();
      } catch {
        // already closed (e.g. after a failed bind)
      }
    },
  };
}
