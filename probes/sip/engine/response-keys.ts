/**
 * The fast path of response parsing: reads only what a client transaction is matched and judged
 * by (status, reason, top Via branch, Call-ID, CSeq, To tag) from a response in the common form,
 * without building the header map of ./envelope.ts. The engine reads every answer of every trunk
 * (thousands per second in the raw-rate benchmark), and the full envelope scan (a Map of every
 * header, its lists and parameters) was then the biggest single cost of an OPTIONS round trip
 * (≈ 25 µs of ≈ 40 µs per answer on the CI machine); this scan allocates only the fields it
 * returns.
 *
 * Contract of `scanResponseKeys(text)`: never throws; returns the keys only when it is sure the
 * full scan (`scanSipMessage`) would accept the text as a response and read the same values;
 * returns undefined for anything else — not a status line, a bare-LF line end, a folded header,
 * a header name the full scan would refuse, a Via list or quoted Via, a missing field, no end of
 * the header section — and the caller then runs the full scan, which gives the verdict. The
 * agreement is checked by test/probes/sip/engine/response-keys.test.ts on real and fuzzed messages.
 */
import { headerParam } from './envelope.js';

export interface ResponseKeys {
  statusCode: number;
  reasonPhrase: string;
  /** `branch` of the top Via (non-empty). */
  branch: string;
  callId: string;
  cseq: number;
  /** CSeq method, upper case. */
  cseqMethod: string;
  toTag?: string;
}

const CR = 13;
const COLON = 58;
const CSEQ = /^([0-9]{1,10})\s+([A-Za-z]+)$/;

/** RFC 3261 token characters a header name may hold (as the full scan's HEADER_NAME). */
const TOKEN = ((): Uint8Array => {
  const t = new Uint8Array(128);
  for (const ch of "!%'*+-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_`abcdefghijklmnopqrstuvwxyz~") t[ch.charCodeAt(0)] = 1;
  return t;
})();

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Which of the wanted headers a name is (full or compact, any case), else undefined. */
function wanted(name: string): 'via' | 'call-id' | 'cseq' | 'to' | undefined {
  switch (name.length) {
    case 1: {
      const c = name.charCodeAt(0) | 0x20;
      return c === 0x76 ? 'via' : c === 0x69 ? 'call-id' : c === 0x74 ? 'to' : undefined; // v i t
    }
    case 2:
      return name.toLowerCase() === 'to' ? 'to' : undefined;
    case 3:
      return name.toLowerCase() === 'via' ? 'via' : undefined;
    case 4:
      return name.toLowerCase() === 'cseq' ? 'cseq' : undefined;
    case 7:
      return name.toLowerCase() === 'call-id' ? 'call-id' : undefined;
    default:
      return undefined;
  }
}

export function scanResponseKeys(text: string): ResponseKeys | undefined {
  // Status line: `SIP/2.0 ddd` then a space and a reason, or the line end.
  if (!text.startsWith('SIP/2.0 ')) return undefined;
  if (!isDigit(text.charCodeAt(8)) || !isDigit(text.charCodeAt(9)) || !isDigit(text.charCodeAt(10))) return undefined;
  let eol = text.indexOf('\n');
  if (eol < 12 || text.charCodeAt(eol - 1) !== CR) return undefined;
  const afterCode = text.charCodeAt(11);
  if (afterCode !== 32 && eol !== 12) return undefined;
  const reasonRaw = text.slice(afterCode === 32 ? 12 : 11, eol - 1);
  // the full scan's `.` stops at these; such a status line is its verdict to give
  if (/[\r\u2028\u2029]/.test(reasonRaw)) return undefined;

  let via: string | undefined;
  let callId: string | undefined;
  let cseq: string | undefined;
  let to: string | undefined;
  let pos = eol + 1;
  for (;;) {
    eol = text.indexOf('\n', pos);
    if (eol < 0 || text.charCodeAt(eol - 1) !== CR) return undefined; // no blank line, or a bare LF
    const end = eol - 1;
    if (end === pos) break; // the blank line: end of the header section
    let i = pos;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c >= 128 || TOKEN[c] === 0) break;
      i++;
    }
    if (i === pos) return undefined; // folding, or a line not starting with a name
    const nameEnd = i;
    while (i < end && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
    if (text.charCodeAt(i) !== COLON || i >= end) return undefined;
    const which = wanted(text.slice(pos, nameEnd));
    if (which !== undefined) {
      const value = text.slice(i + 1, end).trim();
      if (which === 'via') via ??= value;
      else if (which === 'call-id') callId ??= value;
      else if (which === 'cseq') cseq ??= value;
      else to ??= value;
    }
    pos = eol + 1;
  }
  if (!via || !callId || cseq === undefined || via.includes(',') || via.includes('"')) return undefined;
  const cseqMatch = CSEQ.exec(cseq);
  if (!cseqMatch) return undefined;
  const branch = headerParam(via, 'branch');
  if (!branch) return undefined;
  return {
    statusCode: Number(text.slice(8, 11)),
    reasonPhrase: reasonRaw.trim(),
    branch,
    callId,
    cseq: Number(cseqMatch[1]),
    cseqMethod: cseqMatch[2].toUpperCase(),
    toTag: to === undefined ? undefined : headerParam(to, 'tag') || undefined,
  };
}
