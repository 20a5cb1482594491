/**
 * The UAC side of SIP dialogs (RFC 3261 §12) for the engine: the dialog state taken from a 2xx to
 * an INVITE, the requests sent in it (the ACK of the 2xx, BYE) with where they go (route set and
 * remote target), and `DialogTable`, the dialogs of one engine: their handles (`SipDialog`), the
 * ACK to re-send for a retransmitted 2xx, and what to answer to requests that arrive in them
 * (which the engine parses and answers with ./uas.ts).
 *
 * Like ./message.ts, only sip.js's grammar is used (to read Contact and Record-Route URIs); the
 * texts are written here.
 */
import { EMPTY, ReplaySubject, defer, throwError, type Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { Core } from 'sip.js';
import { VigieError } from '../../../plugins/sdk/index.js';
import { DEFAULT_USER_AGENT, hostPort, newBranch, type OutgoingRequest, type SentBy, type SipResponse } from './message.js';
import type { TransactionResult } from './transactions.js';
import type { SipRequestOptions } from './udp-engine.js';

/** The state of one dialog, as the UAC keeps it. */
export interface DialogState {
  callId: string;
  /** Our tag (the From tag of the INVITE). */
  localTag: string;
  /** The far end's tag (the To tag of the 2xx). */
  remoteTag: string;
  localUri: string;
  remoteUri: string;
  /** The far end's Contact URI (where in-dialog requests go when there is no route set). */
  remoteTarget: string;
  /** Record-Route of the 2xx in reverse order, each as written (`<sip:proxy;lr>`). */
  routeSet: string[];
  /** CSeq number of the INVITE (the ACK of its 2xx reuses it). */
  inviteCseq: number;
  /** Last CSeq number used by a request of ours in the dialog. */
  localCseq: number;
}

/** Where a request goes. */
export interface Destination {
  host: string;
  port: number;
}

/** The parsed URI of a Contact or route entry. */
interface UriLike {
  host: string;
  port?: number;
  hasParam(name: string): boolean;
  toString(): string;
}

function parseUri(text: string): UriLike | undefined {
  try {
    const parsed: unknown = Core.Grammar.parse(text.replace(/^<|>$/g, ''), 'SIP_URI');
    return parsed === -1 || typeof parsed !== 'object' || parsed === null ? undefined : (parsed as UriLike);
  } catch {
    return undefined;
  }
}

/**
 * The dialog a 2xx to `invite` creates (§12.1.2). `localUri`/`remoteUri` are the From/To URIs the
 * INVITE was sent with; `fallbackTarget` is used as remote target when the 2xx has no usable
 * Contact (lenient: some gateways omit it). Returns undefined when the 2xx has no To tag.
 */
export function dialogFrom2xx(invite: OutgoingRequest, response: SipResponse, uris: { localUri: string; remoteUri: string; fallbackTarget: string }): DialogState | undefined {
  if (!response.toTag) return undefined;
  const m = response.message;
  let remoteTarget = uris.fallbackTarget;
  try {
    const contact = m.parseHeader('contact') as { uri?: UriLike } | undefined;
    if (contact?.uri) remoteTarget = contact.uri.toString();
  } catch {
    // keep the fallback
  }
  return {
    callId: invite.callId,
    localTag: invite.fromTag,
    remoteTag: response.toTag,
    localUri: uris.localUri,
    remoteUri: uris.remoteUri,
    remoteTarget,
    routeSet: m.getHeaders('record-route').map((r) => r.trim()).reverse(),
    inviteCseq: invite.cseq,
    localCseq: invite.cseq,
  };
}

function uriDestination(uri: UriLike | undefined): Destination | undefined {
  if (!uri) return undefined;
  return { host: uri.host.replace(/^\[|\]$/g, ''), port: uri.port ?? 5060 };
}

/** What an in-dialog request needs besides the dialog. */
export interface DialogRequestOptions {
  method: 'ACK' | 'BYE';
  /** CSeq number (the ACK of a 2xx: the INVITE's). */
  cseq: number;
  branch?: string;
  userAgent?: string;
}

/**
 * A request in the dialog (§12.2.1.1): Request-URI and Route from the route set (loose routing:
 * Request-URI = remote target, Route = route set; strict routing when the first route has no
 * `lr`: Request-URI = first route, Route = the rest then the remote target), From/To with both
 * tags, a new branch, and where to send it (the first route, else the remote target).
 * Undefined when the destination URI cannot be read.
 */
export function buildDialogRequest(d: DialogState, opts: DialogRequestOptions, sentBy: SentBy): { request: OutgoingRequest; destination: Destination } | undefined {
  const routes = d.routeSet.map((r) => ({ text: r, uri: parseUri(r) }));
  const strict = routes.length > 0 && routes[0].uri !== undefined && !routes[0].uri.hasParam('lr');
  let requestUri = d.remoteTarget;
  let routeHeaders = routes.map((r) => r.text);
  if (strict) {
    requestUri = routes[0].uri!.toString();
    routeHeaders = [...routes.slice(1).map((r) => r.text), `<${d.remoteTarget}>`];
  }
  const destination = routes.length > 0 ? uriDestination(routes[0].uri) : uriDestination(parseUri(d.remoteTarget));
  if (!destination) return undefined;
  const branch = opts.branch ?? newBranch();
  const local = hostPort(sentBy.host, sentBy.port);
  const lines = [
    `${opts.method} ${requestUri} SIP/2.0`,
    `Via: SIP/2.0/${sentBy.transport ?? 'UDP'} ${local};branch=${branch};rport`,
    'Max-Forwards: 70',
    `From: <${d.localUri}>;tag=${d.localTag}`,
    `To: <${d.remoteUri}>;tag=${d.remoteTag}`,
    `Call-ID: ${d.callId}`,
    `CSeq: ${opts.cseq} ${opts.method}`,
    ...routeHeaders.map((r) => `Route: ${r}`),
    `User-Agent: ${opts.userAgent ?? DEFAULT_USER_AGENT}`,
    'Content-Length: 0',
  ];
  if (lines.some((l) => /[\r\n]/.test(l))) return undefined;
  const text = `${lines.join('\r\n')}\r\n\r\n`;
  return { request: { text, method: opts.method, branch, callId: d.callId, cseq: opts.cseq, fromTag: d.localTag }, destination };
}

/** A dialog of ours: the calling side of one call (the handle `SipUdpEngine.invite` gives). */
export interface SipDialog {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  /** Where in-dialog requests go when there is no route set (the 2xx's Contact). */
  readonly remoteTarget: string;
  readonly routeSet: readonly string[];
  /** Emits once then completes when the far end hangs up (its BYE, answered 200 by the engine); replayed to late subscribers; completes empty on `release()`. */
  readonly remoteBye: Observable<void>;
  /** Sends BYE in the dialog and emits its final response, like `request()`; releases the dialog. Completes empty when the far end already hung up. */
  bye(opts?: SipRequestOptions): Observable<TransactionResult>;
  /** Forgets the dialog without BYE; for the table's linger time, requests still arriving in it are answered (BYE 200, others 481). Idempotent. */
  release(): void;
}

/** How a dialog meets the wire: the engine gives these. */
export interface DialogIo {
  sentBy: SentBy;
  userAgent?: string;
  /** Sends a text once (an ACK). */
  send(text: string, to: Destination): void;
  /** Runs a non-INVITE client transaction (a BYE). */
  transact(request: OutgoingRequest, to: Destination, opts: SipRequestOptions): Observable<TransactionResult>;
}

interface DialogEntry {
  state: DialogState;
  ack: { text: string; destination: Destination };
  remoteBye: ReplaySubject<void>;
  /** False once released or hung up by the far end. */
  live: boolean;
  forget?: Subscription;
}

/** What the engine answers to a request that arrived in a dialog. */
export interface DialogAnswer {
  status: number;
  headers?: string[];
}

/**
 * The dialogs of one engine, by Call-ID. Contract: `open` ACKs a 2xx and registers its dialog;
 * `ackFor` gives the ACK to re-send when that 2xx comes again; `answer` says how to answer a
 * request that arrived (undefined: not in a dialog of ours, or an ACK — drop it): BYE → 200
 * (reported through `remoteBye` while the dialog is live), others → 405 while live, 481 after,
 * wrong tags → 481. A released dialog is forgotten `lingerMs` later; `clear` forgets all now.
 */
export class DialogTable {
  private readonly entries = new Map<string, DialogEntry>();

  constructor(private readonly scheduler: SchedulerLike, private readonly lingerMs: number) {}

  get size(): number {
    return this.entries.size;
  }

  open(invite: OutgoingRequest, response: SipResponse, uris: { localUri: string; remoteUri: string; fallbackTarget: string }, io: DialogIo): SipDialog | undefined {
    const state = dialogFrom2xx(invite, response, uris);
    const ack = state && buildDialogRequest(state, { method: 'ACK', cseq: state.inviteCseq, userAgent: io.userAgent }, io.sentBy);
    if (!state || !ack) return undefined;
    io.send(ack.request.text, ack.destination);
    const entry: DialogEntry = { state, ack: { text: ack.request.text, destination: ack.destination }, remoteBye: new ReplaySubject<void>(1), live: true };
    this.entries.get(state.callId)?.forget?.unsubscribe();
    this.entries.set(state.callId, entry);
    const release = (): void => {
      entry.live = false;
      entry.remoteBye.complete();
      entry.forget ??= this.scheduler.schedule(() => {
        if (this.entries.get(state.callId) === entry) this.entries.delete(state.callId);
      }, this.lingerMs);
    };
    return {
      callId: state.callId,
      localTag: state.localTag,
      remoteTag: state.remoteTag,
      remoteTarget: state.remoteTarget,
      routeSet: [...state.routeSet],
      remoteBye: entry.remoteBye.asObservable(),
      release,
      bye: (opts = {}) => defer(() => {
        const wasLive = entry.live;
        release();
        if (!wasLive) return EMPTY;
        const bye = buildDialogRequest(state, { method: 'BYE', cseq: ++state.localCseq, userAgent: io.userAgent }, io.sentBy);
        if (!bye) return throwError(() => new VigieError('E_SIP_PROTOCOL', `cannot send BYE: the remote target ${state.remoteTarget} is not a SIP URI`, { callId: state.callId }));
        return io.transact(bye.request, bye.destination, opts);
      }),
    };
  }

  /** The ACK of a known dialog's 2xx (same Call-ID and to-tag), to send again. */
  ackFor(callId: string, toTag: string | undefined): { text: string; destination: Destination } | undefined {
    const entry = this.entries.get(callId);
    return entry && entry.state.remoteTag === toTag ? entry.ack : undefined;
  }

  /** A 2xx after the first (the INVITE's Accepted state): ours again (our ACK got lost) gets the ACK again; another fork's is ACKed and hung up (§13.2.2.4). */
  onLate2xx(invite: OutgoingRequest, response: SipResponse, uris: { localUri: string; remoteUri: string; fallbackTarget: string }, io: DialogIo): void {
    const known = this.ackFor(invite.callId, response.toTag);
    if (known) return io.send(known.text, known.destination);
    const state = dialogFrom2xx(invite, response, uris);
    const ack = state && buildDialogRequest(state, { method: 'ACK', cseq: state.inviteCseq, userAgent: io.userAgent }, io.sentBy);
    const bye = state && buildDialogRequest(state, { method: 'BYE', cseq: state.inviteCseq + 1, userAgent: io.userAgent }, io.sentBy);
    if (!ack || !bye) return;
    io.send(ack.request.text, ack.destination);
    io.transact(bye.request, bye.destination, {}).subscribe({ error: () => undefined });
  }

  answer(req: { method: string; callId: string; fromTag?: string; toTag?: string }): DialogAnswer | undefined {
    const entry = this.entries.get(req.callId);
    if (!entry || req.method === 'ACK') return undefined;
    if (req.toTag !== entry.state.localTag || req.fromTag !== entry.state.remoteTag) return { status: 481 };
    if (req.method === 'BYE') {
      if (entry.live) {
        entry.remoteBye.next();
        entry.live = false;
        entry.remoteBye.complete();
      }
      return { status: 200 };
    }
    return entry.live ? { status: 405, headers: ['Allow: ACK, BYE'] } : { status: 481 };
  }

  clear(): void {
    for (const entry of this.entries.values()) {
      entry.forget?.unsubscribe();
      entry.remoteBye.complete();
    }
    this.entries.clear();
  }
}
