/**
 * The public types of the SIP engines (UDP and TCP): where a request goes, per-request options,
 * counters, and what an INVITE carries and how it goes. The engines re-export them.
 */
import type { SipDialog } from './dialog.js';
import type { SipResponse } from './message.js';

/** Where a request goes. */
export interface SipTarget {
  host: string;
  port: number;
}

/** Per-request options. */
export interface SipRequestOptions {
  /** Ends the request with E_SIP_TIMEOUT after this many ms (if before Timer F). */
  deadlineMs?: number;
}

/** Counters since the engine was created (never reset). */
export interface SipEngineCounters {
  /** Requests sent (first transmissions). */
  sent: number;
  retransmits: number;
  /** Datagrams received. */
  received: number;
  /** Datagrams that are not a SIP response sip.js can parse (or lack Via/Call-ID/CSeq). */
  malformed: number;
  /** Requests received (answered only when they belong to a dialog of ours; else dropped). */
  requests: number;
  /** Responses matching no live transaction (late, duplicate, or foreign). */
  unmatched: number;
}

/** The UDP engine's counters, plus those of its UAC core. */
export interface SipUdpEngineCounters extends SipEngineCounters {
  /** ACKs sent (of 2xx and non-2xx finals, first and re-sent). */
  acks: number;
  /** Responses sent to requests that arrived in a dialog. */
  responses: number;
}

/** What an INVITE carries; its method, tags, Call-ID, CSeq and branch are the engine's. */
export interface SipInviteInit {
  /** Request-URI, e.g. `sip:4000@127.0.0.1:5060`. */
  requestUri: string;
  /** From URI (default `sip:vigie@<sent-by host>`). */
  fromUri?: string;
  /** To URI (default the Request-URI). */
  toUri?: string;
  /** Call-ID (default a fresh one). */
  callId?: string;
  /** Extra header lines; `Route:` lines are put on the CANCEL too. */
  headers?: string[];
  body?: string;
  contentType?: string;
}

export interface SipInviteOptions {
  /**
   * Gives up when no final response came this many ms after the send: with no 1xx yet the INVITE
   * is abandoned (RFC 3261 §9.1: no CANCEL before a provisional); after a 1xx a CANCEL is sent and
   * the INVITE ends at its final response (487, ACKed), or 64·T1 later. Both error with
   * E_SIP_TIMEOUT (details `timer: 'deadline'`, `cancelled`, `lastProvisional`, `finalCode`).
   */
  deadlineMs?: number;
}

/** How an INVITE goes: provisional responses, then one of answered / rejected (then complete). */
export type InviteProgress =
  | { type: 'provisional'; response: SipResponse; elapsedMs: number }
  /** A 2xx, already ACKed by the engine; the dialog lives until `bye()` or `release()`. */
  | { type: 'answered'; response: SipResponse; elapsedMs: number; dialog: SipDialog }
  /** A 300–699, ACKed by the transaction. */
  | { type: 'rejected'; response: SipResponse; elapsedMs: number };
