/**
 * A scripted registrar in virtual time, standing in for a SIP engine (`SipRequester`): it checks
 * REGISTER digest credentials as a real registrar would (RFC 2617 with node:crypto, its own
 * password), challenges with 401 (qop=auth), grants `min(asked, maxExpires)` in the `expires`
 * parameter of the caller's Contact (beside another binding, so the caller must find its own),
 * answers OPTIONS 200, and can be told to stay silent (timeouts), reply a fixed code, or ask for a
 * longer expiry (423). Every request it sees is kept with its virtual time.
 */
import { createHash } from 'node:crypto';
import { Observable, map, mergeMap, throwError, timer } from 'rxjs';
import { VigieError } from '../../../../plugins/sdk/index.js';
import type { VirtualClock } from '../../../../plugins/sdk/testkit/index.js';
import { parseResponse, type SipRequestInit } from '../../../../probes/sip/engine/message.js';
import type { SipRequester } from '../../../../probes/sip/engine/requester.js';
import type { TransactionResult } from '../../../../probes/sip/engine/transactions.js';

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

export interface SeenRequest {
  at: number;
  init: SipRequestInit;
  deadlineMs?: number;
}

export class FakeRegistrar implements SipRequester {
  readonly seen: SeenRequest[] = [];
  /** The password it accepts (change it to simulate a fix or a rotation). */
  password: string;
  realm = 'lab.example';
  maxExpires = 3600;
  minExpires = 0;
  latencyMs = 10;
  /** When set, every REGISTER gets this reply (no challenge). */
  fixedCode?: number;
  /** When true, nothing is answered (the request times out at its deadline). */
  silent = false;
  /** Challenges carry stale=true once when set (the next answer is then accepted). */
  staleOnce = false;
  private nonceCount = 0;

  constructor(private readonly clock: VirtualClock, password: string) {
    this.password = password;
  }

  get registers(): SeenRequest[] {
    return this.seen.filter((s) => s.init.method === 'REGISTER');
  }

  request(_target: { host: string; port: number }, init: SipRequestInit, opts?: { deadlineMs?: number }): Observable<TransactionResult> {
    return new Observable<TransactionResult>((sub) => {
      this.seen.push({ at: this.clock.now(), init, deadlineMs: opts?.deadlineMs });
      if (this.silent) {
        return timer(opts?.deadlineMs ?? 32_000, this.clock).pipe(
          mergeMap(() => throwError(() => new VigieError('E_SIP_TIMEOUT', `no final response to ${init.method} within ${opts?.deadlineMs} ms (deadline)`))),
        ).subscribe(sub);
      }
      const [code, reason, headers] = this.decide(init);
      return timer(this.latencyMs, this.clock).pipe(map(() => ({ response: this.response(init, code, reason, headers), rttMs: this.latencyMs, retransmits: 0 }))).subscribe(sub);
    });
  }

  private decide(init: SipRequestInit): [number, string, string[]] {
    if (init.method !== 'REGISTER') return [200, 'OK', []];
    if (this.fixedCode !== undefined) return [this.fixedCode, 'Scripted', []];
    const asked = Number((init.headers ?? []).find((h) => h.startsWith('Expires:'))?.slice(8));
    const auth = (init.headers ?? []).find((h) => h.startsWith('Authorization:'));
    const challenge = (stale: boolean): [number, string, string[]] => {
      this.nonceCount++;
      return [401, 'Unauthorized', [`WWW-Authenticate: Digest realm="${this.realm}", nonce="n${this.nonceCount}", qop="auth"${stale ? ', stale=true' : ''}`]];
    };
    if (!auth) return challenge(false);
    const p = Object.fromEntries([...auth.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]+))/g)].map((m) => [m[1], m[2] ?? m[3]]));
    const ha1 = md5(`${p.username}:${this.realm}:${this.password}`);
    const expected = md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:auth:${md5(`REGISTER:${p.uri}`)}`);
    if (p.nonce !== `n${this.nonceCount}` || p.response !== expected || p.uri !== init.requestUri) return challenge(false);
    if (this.staleOnce) {
      this.staleOnce = false;
      return challenge(true);
    }
    if (asked < this.minExpires) return [423, 'Interval Too Brief', [`Min-Expires: ${this.minExpires}`]];
    const granted = Math.min(asked, this.maxExpires);
    return [200, 'OK', [
      `Contact: <sip:${init.contactUser}@198.51.100.7:5060;line=someoneelse>;expires=${this.maxExpires}`,
      `Contact: <sip:${init.contactUser}@127.0.0.1:5062${init.contactUriParams ?? ''}>;expires=${granted}`,
    ]];
  }

  private response(init: SipRequestInit, code: number, reason: string, headers: string[]) {
    const text = [
      `SIP/2.0 ${code} ${reason}`, `Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bKfake${this.seen.length};rport=5062`,
      `From: <${init.fromUri ?? 'sip:vigie@127.0.0.1'}>;tag=f`, `To: <${init.toUri ?? init.requestUri}>;tag=t`,
      `Call-ID: ${init.callId ?? 'none'}`, `CSeq: ${init.cseq ?? 1} ${init.method}`, ...headers, 'Content-Length: 0', '', '',
    ].join('\r\n');
    const r = parseResponse(text);
    if (!r.ok) throw new Error(`FakeRegistrar built an unparsable response (${r.reason}):\n${text}`);
    return r.response;
  }
}
