/**
 * Parser of the body of a SIP `PUBLISH` with `Event: vq-rtcpxr`, content type
 * `application/vq-rtcpxr` (RFC 6035 §4): one VQSessionReport, VQIntervalReport or VQAlertReport
 * (each optionally `: CallTerm`), its identification lines (CallID, LocalID, RemoteID, OrigID,
 * LocalGroup/RemoteGroup, LocalAddr/RemoteAddr, LocalMAC/RemoteMAC, DialogID) and its
 * LocalMetrics / RemoteMetrics sections (see `vq-metrics.ts`).
 *
 * Lenient where reporters differ (real phones do not follow the ABNF to the letter): CRLF, LF or
 * CR; folded lines; extra spaces; names in any case; identification lines anywhere (snom puts
 * CallID after `LocalMetrics:`); metric lines before any section header, or under a bare
 * `Metrics:`, count as local; an alert's `Type=… Severity=… Dir=…` on the report line or on the
 * next line; an SSRC in hex with or without `0x`, or in decimal. Unknown lines and parameters are
 * kept raw. Strict only where a report would be useless: no report type line, or no CallID.
 *
 * Pure: no I/O. The one exception it raises is a `VigieError` with code `E_VQ_REPORT`, the reason
 * in `details.reason`; any other failure inside is converted to that code, so a caller can drop
 * and count every bad body without catching anything else.
 */
import { VigieError, isVigieError } from '../../../plugins/sdk/index.js';
import { isVqMetricLine, VqMetricsBuilder, type VqMetrics } from './vq-metrics.js';
import { parseVqParams, splitVqLines, vqNumberParam, vqParam, type VqLine } from './vq-text.js';

export type {
  VqMetrics, VqTimestamps, VqSessionDesc, VqJitterBuffer, VqPacketLoss, VqBurstGapLoss, VqDelay, VqSignal, VqQualityEst,
} from './vq-metrics.js';
export type { VqLine } from './vq-text.js';

/** The SIP `Event` package name of RFC 6035. */
export const VQ_EVENT_PACKAGE = 'vq-rtcpxr';
/** The body's content type (RFC 6035 §4). */
export const VQ_CONTENT_TYPE = 'application/vq-rtcpxr';
/** Default cap on a body, bytes (real reports are 1–3 KB; a UDP datagram is at most 64 KB). */
export const VQ_REPORT_MAX_BYTES = 32 * 1024;

export type VqReportKind = 'session' | 'interval' | 'alert';

/** `LocalAddr:` / `RemoteAddr:` — `IP=… PORT=… SSRC=…`. */
export interface VqMediaAddress {
  readonly ip?: string;
  readonly port?: number;
  /** The SSRC as written (`0x2468abcd`, `1a3b5c7d`, `3825483318`). */
  readonly ssrc?: string;
  /** The SSRC as a number: hex when written with `0x` or with a hex letter, else decimal; `undefined` past 32 bits. */
  readonly ssrcValue?: number;
  readonly params: Readonly<Record<string, string>>;
}

/** `DialogID:` — the dialog's Call-ID with its tags. */
export interface VqDialogId {
  readonly raw: string;
  readonly callId: string;
  readonly toTag?: string;
  readonly fromTag?: string;
}

/** An alert's `Type=`, `Severity=` (`Warning`, `Critical`, `Clear`) and `Dir=` (`local`, `remote`), as written. */
export interface VqAlert {
  readonly type?: string;
  readonly severity?: string;
  readonly direction?: string;
  readonly params: Readonly<Record<string, string>>;
}

/** One parsed report. Optional fields are absent when the report does not carry them. */
export interface VqReport {
  readonly kind: VqReportKind;
  /** The report type as written (`VQSessionReport`). */
  readonly reportType: string;
  /** True for a `: CallTerm` report (the session ended). */
  readonly callTerm: boolean;
  /** Only on `kind: 'alert'`. */
  readonly alert?: VqAlert;
  readonly callId: string;
  readonly localId?: string;
  readonly remoteId?: string;
  readonly origId?: string;
  readonly localGroup?: string;
  readonly remoteGroup?: string;
  readonly localAddr?: VqMediaAddress;
  readonly remoteAddr?: VqMediaAddress;
  readonly localMac?: string;
  readonly remoteMac?: string;
  readonly dialogId?: VqDialogId;
  readonly localMetrics?: VqMetrics;
  readonly remoteMetrics?: VqMetrics;
  /** Lines outside any metrics section that are not known (`x-UserAgent`, `FromID`, a second report line…), raw. */
  readonly unknownLines: readonly VqLine[];
}

/** Options of `parseVqReport`. */
export interface VqParseOptions {
  /** Largest body accepted, bytes; default `VQ_REPORT_MAX_BYTES`. */
  readonly maxBytes?: number;
}

const REPORT_TYPES: Readonly<Record<string, VqReportKind>> = {
  vqsessionreport: 'session',
  vqintervalreport: 'interval',
  vqalertreport: 'alert',
};

/** Identification lines by lower-cased name → the report field holding their text. */
const TEXT_LINES = {
  callid: 'callId', localid: 'localId', remoteid: 'remoteId', origid: 'origId',
  localgroup: 'localGroup', remotegroup: 'remoteGroup', localmac: 'localMac', remotemac: 'remoteMac',
} as const;

type TextField = (typeof TEXT_LINES)[keyof typeof TEXT_LINES];

function reject(reason: string, details: Record<string, unknown> = {}): never {
  throw new VigieError('E_VQ_REPORT', `vq-rtcpxr report rejected: ${reason}`, { reason, ...details });
}

function ssrcValue(ssrc: string | undefined): number | undefined {
  if (ssrc === undefined) return undefined;
  const hex = /^0x([0-9a-f]{1,8})$/i.exec(ssrc) ?? (/[a-f]/i.test(ssrc) ? /^([0-9a-f]{1,8})$/i.exec(ssrc) : null);
  if (hex !== null) return parseInt(hex[1], 16);
  if (!/^\d{1,10}$/.test(ssrc)) return undefined;
  const n = Number(ssrc);
  return n <= 0xffffffff ? n : undefined;
}

function mediaAddress(value: string): VqMediaAddress {
  const params = parseVqParams(value);
  const rawIp = vqParam(params, 'IP');
  const ip = rawIp === undefined || rawIp === '' ? undefined : rawIp.replace(/^\[(.*)\]$/, '$1');
  const port = vqNumberParam(params, 'PORT');
  const ssrc = vqParam(params, 'SSRC') || undefined;
  const out: Record<string, unknown> = { params };
  if (ip !== undefined) out.ip = ip;
  if (port !== undefined && Number.isInteger(port) && port >= 0 && port <= 65535) out.port = port;
  if (ssrc !== undefined) {
    out.ssrc = ssrc;
    const v = ssrcValue(ssrc);
    if (v !== undefined) out.ssrcValue = v;
  }
  return out as unknown as VqMediaAddress;
}

function dialogId(value: string): VqDialogId {
  const [callId, ...rest] = value.split(';').map((s) => s.trim());
  const out: { raw: string; callId: string; toTag?: string; fromTag?: string } = { raw: value, callId };
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    const v = part.slice(eq + 1).trim();
    if (key === 'to-tag' && out.toTag === undefined) out.toTag = v;
    if (key === 'from-tag' && out.fromTag === undefined) out.fromTag = v;
  }
  return out;
}

function alertOf(params: Record<string, string>): VqAlert {
  const out: { type?: string; severity?: string; direction?: string; params: Record<string, string> } = { params };
  const type = vqParam(params, 'Type');
  const severity = vqParam(params, 'Severity');
  const direction = vqParam(params, 'Dir') ?? vqParam(params, 'Direction');
  if (type) out.type = type;
  if (severity) out.severity = severity;
  if (direction) out.direction = direction;
  return out;
}

function bodyText(body: string | Uint8Array, maxBytes: number): string {
  if (typeof body === 'string') {
    const bytes = Buffer.byteLength(body, 'utf8');
    if (bytes > maxBytes) reject(`body of ${bytes} bytes exceeds the ${maxBytes}-byte cap`, { bytes, maxBytes });
    return body;
  }
  if (!(body instanceof Uint8Array)) reject('body is neither a string nor bytes');
  if (body.byteLength > maxBytes) {
    reject(`body of ${body.byteLength} bytes exceeds the ${maxBytes}-byte cap`, { bytes: body.byteLength, maxBytes });
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(body);
}

function parseLines(lines: readonly VqLine[]): VqReport {
  let head: { kind: VqReportKind; reportType: string; callTerm: boolean; alert?: VqAlert } | undefined;
  const fields: Partial<Record<TextField, string>> & { localAddr?: VqMediaAddress; remoteAddr?: VqMediaAddress; dialogId?: VqDialogId } = {};
  const unknown: VqLine[] = [];
  let local: VqMetricsBuilder | undefined;
  let remote: VqMetricsBuilder | undefined;
  let section: VqMetricsBuilder | undefined;

  for (const line of lines) {
    const lower = line.name.toLowerCase();
    // A report type line may carry no colon at all (`VQSessionReport`), so it is recognised by its first word too.
    const firstWord = (line.name === '' ? line.value.split(/\s/, 1)[0] : line.name).toLowerCase();
    if (Object.hasOwn(REPORT_TYPES, firstWord)) {
      if (head !== undefined) { unknown.push(line); continue; }
      const rest = line.name === '' ? line.value.slice(firstWord.length) : line.value;
      const params = parseVqParams(rest);
      const kind = REPORT_TYPES[firstWord];
      head = {
        kind,
        reportType: (line.name === '' ? line.value.split(/\s/, 1)[0] : line.name),
        callTerm: Object.keys(params).some((k) => k.toLowerCase() === 'callterm'),
      };
      if (kind === 'alert') head.alert = alertOf(params);
    } else if (line.name === '' && head?.alert !== undefined && head.alert.type === undefined && /(^|\s)type=/i.test(line.value)) {
      head.alert = alertOf(parseVqParams(line.value));
    } else if (lower === 'localmetrics' || lower === 'metrics') {
      section = local ??= new VqMetricsBuilder();
    } else if (lower === 'remotemetrics') {
      section = remote ??= new VqMetricsBuilder();
    } else if (Object.hasOwn(TEXT_LINES, lower)) {
      const key = TEXT_LINES[lower as keyof typeof TEXT_LINES];
      if (fields[key] === undefined && line.value !== '') fields[key] = line.value;
      else unknown.push(line);
    } else if (lower === 'localaddr' || lower === 'remoteaddr') {
      const key = lower === 'localaddr' ? 'localAddr' : 'remoteAddr';
      if (fields[key] === undefined) fields[key] = mediaAddress(line.value);
      else unknown.push(line);
    } else if (lower === 'dialogid') {
      if (fields.dialogId === undefined && line.value !== '') fields.dialogId = dialogId(line.value);
      else unknown.push(line);
    } else if (isVqMetricLine(line.name)) {
      (section ?? (local ??= new VqMetricsBuilder())).add(line);
    } else if (section !== undefined) {
      section.add(line);
    } else {
      unknown.push(line);
    }
  }

  if (head === undefined) reject('no report type line (VQSessionReport, VQIntervalReport or VQAlertReport)');
  if (fields.callId === undefined) reject('no CallID line', { reportType: head.reportType });
  const report: Record<string, unknown> = { ...head, ...fields, unknownLines: unknown };
  if (local !== undefined) report.localMetrics = local.build();
  if (remote !== undefined) report.remoteMetrics = remote.build();
  return report as unknown as VqReport;
}

/**
 * Parses one `application/vq-rtcpxr` body (a string, or bytes read as UTF-8). Throws a `VigieError`
 * `E_VQ_REPORT` (reason in `details.reason`) when the body is not text, is over `maxBytes`, has no
 * report type line or no CallID — and for nothing else: every other oddity is tolerated.
 */
export function parseVqReport(body: string | Uint8Array, options: VqParseOptions = {}): VqReport {
  try {
    const maxBytes = options.maxBytes ?? VQ_REPORT_MAX_BYTES;
    return parseLines(splitVqLines(bodyText(body, maxBytes)));
  } catch (e) {
    if (isVigieError(e, 'E_VQ_REPORT')) throw e;
    throw new VigieError('E_VQ_REPORT', 'vq-rtcpxr report rejected: the parser failed', { reason: 'internal' }, { cause: e });
  }
}
