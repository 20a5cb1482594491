/**
 * The UDP socket of a listener kind (the HEP collector, the RTCP-XR endpoint).
 *
 * Contract of `openUdpListener(host, port, handlers)`:
 * - binds `host:port` at once (udp6 for an IPv6 host); `onListening` once bound with the real
 *   address (port 0 picks a free one); `onError` on a bind or socket error (the socket is then
 *   unusable: close it);
 * - every datagram goes to `onDatagram` with its sender; a handler that throws is caught here and
 *   reported through `onHandlerError`, so no input can take the socket down;
 * - `send(data, to, onError)` answers a peer (a send failure goes to `onError`, never thrown);
 * - `close()` closes the socket; no handler is called after it. Idempotent.
 */
import dgram from 'node:dgram';
import { isIP } from 'node:net';

export interface UdpPeer {
  address: string;
  port: number;
}

export interface UdpListenerHandlers {
  onDatagram(buf: Buffer, from: UdpPeer): void;
  onListening(address: string, port: number): void;
  onError(err: Error): void;
  onHandlerError(err: unknown, from: UdpPeer): void;
}

export interface UdpListener {
  send(data: string | Buffer, to: UdpPeer, onError?: (err: Error) => void): void;
  close(): void;
}

/** Kernel receive buffer asked for (capped by net.core.rmem_max): absorbs bursts of mirrored or reported traffic. */
const RECV_BUFFER_BYTES = 4 * 1024 * 1024;

export function openUdpListener(host: string, port: number, h: UdpListenerHandlers): UdpListener {
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
    send(data, to, onError) {
      if (closed) return;
      try {
        socket.send(data, to.port, to.address, (err) => {
          if (err && !closed) onError?.(err);
        });
      } catch (e) {
        if (!closed) onError?.(e as Error);
      }
    },
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
