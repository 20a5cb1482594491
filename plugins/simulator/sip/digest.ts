/**
 * SIMULATOR ONLY — the registrar side of HTTP digest authentication as SIP uses it (RFC 2617,
 * MD5, with and without `qop=auth`), for the simulated trunk's REGISTER. Nonces are random,
 * remembered for `NONCE_LIFETIME_MS` (at most `MAX_NONCES` of them), and a nonce this registrar
 * did not issue (or that expired) earns a fresh challenge with `stale=true`, not a 403.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const NONCE_LIFETIME_MS = 5 * 60_000;
const MAX_NONCES = 1000;

/** The outcome of checking an Authorization header. */
export type DigestVerdict = 'ok' | 'missing' | 'stale' | 'wrong';

/** The parameters of a `Digest …` credentials or challenge header, names lower-cased. */
export function parseDigestParams(value: string): Record<string, string> | undefined {
  const m = /^\s*Digest\s+(.*)$/is.exec(value);
  if (!m) return undefined;
  const out: Record<string, string> = {};
  const re = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  for (let p = re.exec(m[1]); p; p = re.exec(m[1])) out[p[1].toLowerCase()] = p[2] ?? p[3];
  return out;
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/** RFC 2617 §3.2.2.1 request-digest with algorithm MD5 (and qop=auth when `qop` is given). */
export function digestResponse(p: {
  username: string; realm: string; password: string; method: string; uri: string; nonce: string;
  qop?: string; nc?: string; cnonce?: string;
}): string {
  const ha1 = md5(`${p.username}:${p.realm}:${p.password}`);
  const ha2 = md5(`${p.method}:${p.uri}`);
  return p.qop ? md5(`${ha1}:${p.nonce}:${p.nc ?? ''}:${p.cnonce ?? ''}:${p.qop}:${ha2}`) : md5(`${ha1}:${p.nonce}:${ha2}`);
}

/** Issues challenges and checks answers for one realm and password. */
export class DigestRegistrar {
  private readonly nonces = new Map<string, number>();

  /**
   * @param realm the protection realm written in challenges.
   * @param password the one password accepted (a secret: never logged).
   * @param user when set, the only user name accepted; otherwise any.
   * @param now the clock nonce ages are measured on.
   */
  constructor(
    readonly realm: string,
    private readonly password: string,
    private readonly user: string | undefined,
    private readonly now: () => number,
  ) {}

  /** A `WWW-Authenticate` header value with a fresh nonce. */
  challenge(stale = false): string {
    const nonce = randomBytes(16).toString('hex');
    if (this.nonces.size >= MAX_NONCES) this.nonces.delete(this.nonces.keys().next().value as string);
    this.nonces.set(nonce, this.now());
    return `Digest realm="${this.realm}", nonce="${nonce}", qop="auth", algorithm=MD5${stale ? ', stale=true' : ''}`;
  }

  /** Checks the Authorization header of a request of `method`. */
  verify(authorization: string | undefined, method: string): DigestVerdict {
    if (!authorization) return 'missing';
    const p = parseDigestParams(authorization);
    if (!p || !p.username || !p.nonce || !p.response || !p.uri) return 'missing';
    if (p.realm !== undefined && p.realm !== this.realm) return 'missing';
    if (p.algorithm && p.algorithm.toUpperCase() !== 'MD5') return 'missing';
    const issued = this.nonces.get(p.nonce);
    if (issued === undefined || this.now() - issued > NONCE_LIFETIME_MS) return 'stale';
    if (this.user !== undefined && p.username !== this.user) return 'wrong';
    const qop = p.qop ? p.qop.toLowerCase() : undefined;
    if (qop !== undefined && qop !== 'auth') return 'missing';
    const want = digestResponse({
      username: p.username, realm: this.realm, password: this.password, method, uri: p.uri, nonce: p.nonce,
      qop, nc: p.nc, cnonce: p.cnonce,
    });
    const got = Buffer.from(p.response.toLowerCase().padEnd(32, '0').slice(0, 32));
    return timingSafeEqual(got, Buffer.from(want)) && p.response.length === 32 ? 'ok' : 'wrong';
  }
}
