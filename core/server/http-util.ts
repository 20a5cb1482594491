/**
 * Small HTTP helpers: JSON answers, coded error answers (`{error:{code,message}}`) and typed
 * query-parameter parsing whose failures name the parameter (answered as 400).
 */
import type { ServerResponse } from 'node:http';
import { isVigieError, VigieError, type ErrorCode } from '../../plugins/sdk/index.js';

const STATUS_OF: Partial<Record<ErrorCode, number>> = {
  E_HTTP_BAD_REQUEST: 400,
  E_HTTP_NOT_FOUND: 404,
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
