/**
 * Small HTTP helpers: JSON answers, coded error answers (`{error:{code,message}}`), typed
 * query-parameter parsing whose failures name the parameter (answered as 400), the same-origin
 * check of WebSocket handshakes and writes, and a size-limited JSON body reader.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isVigieError, VigieError, type ErrorCode } from '../../plugins/sdk/index.js';

const STATUS_OF: Partial<Record<ErrorCode, number>> = {
  E_HTTP_BAD_REQUEST: 400,
  E_HTTP_NOT_FOUND: 404,
  E_HTTP_FORBIDDEN: 403,
  E_HTTP_METHOD: 405,
  E_STORE: 503,
  E_STORE_CLOSED: 503,
};

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

/** The status and body for an error; unknown errors become a generic 500 (details go to the log only). */
export function errorAnswer(err: unknown): { status: number; body: { error: { code: string; message: string; param?: string } } } {
  if (isVigieError(err)) {
    const status = STATUS_OF[err.code];
    if (status) {
      const param = typeof err.details?.param === 'string' ? err.details.param : undefined;
      return { status, body: { error: { code: err.code, message: err.message, ...(param ? { param } : {}) } } };
    }
  }
  return { status: 500, body: { error: { code: 'E_HTTP_INTERNAL', message: 'internal error while answering the request' } } };
}

export function badParam(param: string, message: string): VigieError {
  return new VigieError('E_HTTP_BAD_REQUEST', `query parameter '${param}' ${message}`, { param });
}

/** A 400 about the request body (`param` is `body`, or the faulty member's path, e.g. `positions.node:a.x`). */
export function badBody(message: string, param = 'body'): VigieError {
  return new VigieError('E_HTTP_BAD_REQUEST', message, { param });
}

/**
 * Same origin only: a page from another site must neither read the live feed nor write.
 * A request without `Origin` is not from a browser page (browsers send it on WebSocket handshakes
 * and on every PUT), so it is allowed; `Origin: null` (sandboxed frames, files) is not.
 */
export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** Throws a 403 unless the request may write (see `originAllowed`). */
export function checkWriteOrigin(req: IncomingMessage): void {
  if (!originAllowed(req)) {
    throw new VigieError('E_HTTP_FORBIDDEN', `writes are accepted from pages of this server only (Origin ${JSON.stringify(req.headers.origin)} is not ${req.headers.host ?? 'this host'})`);
  }
}

/**
 * Reads a JSON request body of at most `maxBytes`: a 400 when it is not `application/json`,
 * larger (by `Content-Length` before reading, or while reading), not valid JSON or empty.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') throw badBody(`the body must be JSON, sent with content-type: application/json (got ${type ? JSON.stringify(type) : 'none'})`, 'content-type');
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw badBody(`the body is too large: ${declared} bytes, at most ${maxBytes}`);
  const chunks = await new Promise<Buffer[]>((resolve, reject) => {
    const got: Buffer[] = [];
    let size = 0;
    const done = (err?: Error) => {
      req.off('data', onData).off('end', onEnd).off('error', onError);
      // on refusal the rest is left unread (not destroyed, so the 400 still goes out; the server then closes)
      if (err) { req.pause(); reject(err); } else resolve(got);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) done(badBody(`the body is too large: more than ${maxBytes} bytes`));
      else got.push(chunk);
    };
    const onEnd = () => done();
    const onError = (e: Error) => done(e);
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) throw badBody('the body is empty; a JSON object is expected');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw badBody(`the body is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function notFound(message: string): VigieError {
  return new VigieError('E_HTTP_NOT_FOUND', message);
}

/** Typed readers of a URL's query string; every failure is a 400 naming the parameter. */
export class Query {
  constructor(private readonly params: URLSearchParams) {}

  string(name: string): string | undefined {
    const v = this.params.get(name);
    return v === null || v === '' ? undefined : v;
  }

  required(name: string): string {
    const v = this.string(name);
    if (v === undefined) throw badParam(name, 'is required');
    return v;
  }

  /** An integer in [min, max]. */
  int(name: string, min: number, max: number): number | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    if (!/^-?\d+$/.test(v)) throw badParam(name, `must be an integer, got '${v}'`);
    const n = Number(v);
    if (n < min || n > max) throw badParam(name, `must be between ${min} and ${max}, got ${n}`);
    return n;
  }

  /** A time as epoch milliseconds (digits) or an ISO 8601 date-time. */
  time(name: string): number | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    if (/^\d+$/.test(v)) return Number(v);
    const t = /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v) : NaN;
    if (Number.isNaN(t)) throw badParam(name, `must be epoch milliseconds or an ISO 8601 date-time, got '${v}'`);
    return t;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(v)) throw badParam(name, `must be one of ${allowed.join(', ')}, got '${v}'`);
    return v as T;
  }
}
