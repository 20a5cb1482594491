/**
 * Cuts a SIP byte stream (TCP) into messages, RFC 3261 §18.3: a message is its start line and
 * headers up to the empty line, then exactly Content-Length bytes of body (Content-Length is
 * mandatory over a stream). CRLFs between messages are skipped (RFC 5626 keepalives).
 *
 * Bounded: no more than `maxMessageBytes` is ever buffered. A stream that cannot be SIP (a start
 * line that is neither a status line nor a request line, no or a bad Content-Length) is
 * `garbage`; a message (or a header block still without its end) bigger than the bound is
 * `oversize`. After either, nothing in the stream can be trusted to be in step again: the caller
 * drops the connection (the framer clears itself and refuses further input until `reset()`).
 */

/** Default bound: the largest SIP message the engine accepts, as over UDP. */
export const DEFAULT_MAX_SIP_MESSAGE = 65_535;

export type FramingError = 'garbage' | 'oversize';

/** What one chunk of input gave: whole messages, in order, and possibly the error that ended the stream. */
export interface FrameResult {
  messages: Buffer[];
  error?: FramingError;
}

const CR = 0x0d;
const LF = 0x0a;
const HEADER_END = Buffer.from('\r\n\r\n');
const STATUS_LINE = /^SIP\/2\.0 [1-6]\d\d( |$)/;
const REQUEST_LINE = /^[A-Z]+ \S+ SIP\/2\.0$/;
const CONTENT_LENGTH = /^(?:content-length|l)[ \t]*:[ \t]*(.*?)[ \t]*$/i;
const SIP_PREFIX = 'SIP/2.0 ';

/**
 * Contract: feed every chunk of a connection to `push`, in order; it returns the messages
 * completed by that chunk (copies, independent of the input) and, on bad input, an error, after
 * which `push` returns only that error until `reset()`.
 */
export class SipStreamFramer {
  private buf: Buffer = Buffer.alloc(0);
  /** Where to resume looking for the end of the headers (no need to rescan). */
  private scanFrom = 0;
  private failed?: FramingError;

  constructor(readonly maxMessageBytes: number = DEFAULT_MAX_SIP_MESSAGE) {}

  /** Bytes held waiting for the rest of a message. */
  get buffered(): number {
    return this.buf.length;
  }

  push(chunk: Buffer): FrameResult {
    if (this.failed) return { messages: [], error: this.failed };
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const messages: Buffer[] = [];
    for (;;) {
      this.skipKeepalives();
      if (this.buf.length === 0) break;
      const next = this.next();
      if (next === 'wait') break;
      if (typeof next === 'string') return this.fail(messages, next);
      messages.push(next);
    }
    if (this.buf.length > 0 && this.buf.byteOffset !== 0) this.buf = Buffer.from(this.buf); // do not pin the chunk
    return { messages };
  }

  /** Forgets everything (a new connection). */
  reset(): void {
    this.buf = Buffer.alloc(0);
    this.scanFrom = 0;
    this.failed = undefined;
  }

  private fail(messages: Buffer[], error: FramingError): FrameResult {
    this.buf = Buffer.alloc(0);
    this.scanFrom = 0;
    this.failed = error;
    return { messages, error };
  }

  private skipKeepalives(): void {
    let i = 0;
    while (i < this.buf.length && (this.buf[i] === CR || this.buf[i] === LF)) i++;
    if (i > 0) {
      this.buf = this.buf.subarray(i);
      this.scanFrom = 0;
    }
  }

  /** One whole message, `wait` for more input, or the error. */
  private next(): Buffer | 'wait' | FramingError {
    if (!this.plausibleStart()) return 'garbage';
    const end = this.buf.indexOf(HEADER_END, Math.max(0, this.scanFrom - 3));
    if (end < 0) {
      this.scanFrom = this.buf.length;
      return this.buf.length > this.maxMessageBytes ? 'oversize' : 'wait';
    }
    const head = this.buf.subarray(0, end).toString('latin1');
    const firstLine = head.slice(0, head.indexOf('\r\n') >= 0 ? head.indexOf('\r\n') : head.length);
    if (!STATUS_LINE.test(firstLine) && !REQUEST_LINE.test(firstLine)) return 'garbage';
    const length = contentLength(head);
    if (length === undefined) return 'garbage';
    const total = end + HEADER_END.length + length;
    if (total > this.maxMessageBytes) return 'oversize';
    if (this.buf.length < total) return 'wait';
    const message = Buffer.from(this.buf.subarray(0, total));
    this.buf = this.buf.subarray(total);
    this.scanFrom = 0;
    return message;
  }

  /**
   * Rejects random bytes early, without waiting for a header block that will never end: the
   * first bytes must begin `SIP/2.0 ` or an upper-case method followed by a space.
   */
  private plausibleStart(): boolean {
    const n = Math.min(this.buf.length, SIP_PREFIX.length);
    const start = this.buf.subarray(0, n).toString('latin1');
    if (SIP_PREFIX.startsWith(start)) return true;
    const m = /^[A-Z]*/.exec(start)![0];
    return m.length === start.length || (m.length > 0 && start[m.length] === ' ');
  }
}

/** The one Content-Length of a header block (repeated equal values tolerated), undefined when missing or bad. */
function contentLength(head: string): number | undefined {
  let value: number | undefined;
  for (const line of head.split('\r\n')) {
    const m = CONTENT_LENGTH.exec(line);
    if (!m) continue;
    if (!/^\d{1,9}$/.test(m[1])) return undefined;
    const n = Number(m[1]);
    if (value !== undefined && value !== n) return undefined;
    value = n;
  }
  return value;
}
