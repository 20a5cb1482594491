/**
 * Report bodies and PUBLISH requests for the RTCP-XR collector tests (not a test file itself).
 * `RFC6035_F13` is the RFC's end-of-call report (its provenance: vq-report.test.ts); the others are built
 * from parameters so each test can compute the MOS it expects from the numbers it put in.
 */
import { randomBytes } from 'node:crypto';

/** RFC 6035 §4.7.3 F13, with its folded lines (documentation addresses in place of the RFC's). */
export const RFC6035_F13 = [
  'VQSessionReport: CallTerm',
  'CallID: 6dg37f1890463',
  'LocalID: Alice <sip:alice@example.org>',
  'RemoteID: Bill <sip:bill@example.net>',
  'OrigID: Alice <sip:alice@example.org>',
  'LocalGroup: example-phone-55671',
  'RemoteGroup: example-gateway-09871',
  'LocalAddr: IP=192.0.2.100 PORT=5000 SSRC=1a3b5c7d',
  'LocalMAC: 00:00:5e:00:53:01',
  'RemoteAddr:IP=198.51.100.150 PORT=5002 SSRC=0x2468abcd',
  'RemoteMAC: 00:00:5e:00:53:02',
  'LocalMetrics:',
  'Timestamps:START=2004-10-10T18:23:43Z STOP=2004-10-01T18:26:02Z',
  'SessionDesc:PT=18 PD=G729 SR=8000 FD=20 FO=20 FPP=2 PPS=50',
  '                FMTP="annexb=no" PLC=3 SSUP=on',
  'JitterBuffer:JBA=3 JBR=2 JBN=40 JBM=80 JBX=120',
  'PacketLoss:NLR=5.0 JDR=2.0',
  'BurstGapLoss:BLD=0 BD=0 GLD=2.0 GD=500 GMIN=16',
  'Delay:RTD=200 ESD=140 SOWD=200 IAJ=2 MAJ=10',
  'Signal:SL=-21 NL=-50 RERL=55',
  'QualityEst:RLQ=90 RCQ=85 EXTRI=90 MOSLQ=4.2 MOSCQ=4.3',
  '  QoEEstAlg=P.564',
  'RemoteMetrics:',
  'Timestamps:START=2004-10-10T18:23:43Z STOP=2004-10-01T18:26:02Z',
  'SessionDesc:PT=18 PD=G729 SR=8000 FD=20 FO=20 FPP=2 PPS=50',
  '                FMTP="annexb=no" PLC=3 SSUP=on',
  'JitterBuffer:JBA=3 JBR=2 JBN=40 JBM=80 JBX=120',
  'PacketLoss:NLR=5.0 JDR=2.0',
  'BurstGapLoss:BLD=0 BD=0 GLD=2.0 GD=500 GMIN=16',
  'Delay:RTD=200 ESD=140 SOWD=200 IAJ=2 MAJ=10',
  'Signal:SL=-21 NL=-45 RERL=55',
  'QualityEst:RLQ=90 RCQ=85 MOSLQ=4.3 MOSCQ=4.2 QoEEstAlg=P.564',
  'DialogID:1890463548@alice.example.org;to-tag=8472761;',
  '   from-tag=9123dh311',
].join('\r\n') + '\r\n';

/** The numbers a built report carries, per direction. */
export interface DirectionSpec {
  codec?: string;
  pt?: number;
  nlr?: number;
  jdr?: number;
  rtd?: number;
  esd?: number;
  iaj?: number;
  mosCq?: number;
  start?: string;
  stop?: string;
}

export interface ReportSpec {
  type?: 'VQSessionReport: CallTerm' | 'VQIntervalReport' | string;
  callId?: string;
  localId?: string;
  remoteId?: string;
  localIp?: string;
  remoteIp?: string;
  remotePort?: number;
  local?: DirectionSpec;
  remote?: DirectionSpec;
}

function metrics(d: DirectionSpec): string[] {
  const lines: string[] = [];
  if (d.start || d.stop) lines.push(`Timestamps:START=${d.start ?? ''} STOP=${d.stop ?? ''}`);
  if (d.codec !== undefined || d.pt !== undefined) lines.push(`SessionDesc:${d.pt !== undefined ? `PT=${d.pt} ` : ''}${d.codec !== undefined ? `PD=${d.codec} ` : ''}SR=8000 FD=20 FPP=1 PPS=50 SSUP=off`);
  if (d.nlr !== undefined) lines.push(`PacketLoss:NLR=${d.nlr} JDR=${d.jdr ?? 0}`);
  if (d.rtd !== undefined) lines.push(`Delay:RTD=${d.rtd} ESD=${d.esd ?? 0} IAJ=${d.iaj ?? 0}`);
  if (d.mosCq !== undefined) lines.push(`QualityEst:MOSCQ=${d.mosCq}`);
  return lines;
}

/** A report body from numbers. */
export function reportBody(s: ReportSpec): string {
  const lines = [
    s.type ?? 'VQSessionReport: CallTerm',
    `CallID: ${s.callId ?? `${randomBytes(6).toString('hex')}@phone`}`,
    `LocalID: ${s.localId ?? '<sip:1001@pbx.example.org>'}`,
    `RemoteID: ${s.remoteId ?? '<sip:+33123456789@carrier.example.net>'}`,
    `LocalAddr:IP=${s.localIp ?? '192.0.2.10'} PORT=40000 SSRC=0x01020304`,
    `RemoteAddr:IP=${s.remoteIp ?? '198.51.100.7'} PORT=${s.remotePort ?? 20000} SSRC=0x0a0b0c0d`,
    'LocalMetrics:',
    ...metrics(s.local ?? { codec: 'PCMU', nlr: 1, rtd: 100, mosCq: 4.1 }),
  ];
  if (s.remote) lines.push('RemoteMetrics:', ...metrics(s.remote));
  return lines.join('\r\n') + '\r\n';
}

export interface PublishSpec {
  /** sent-by of the Via; `rport` is asked for. */
  viaHost?: string;
  viaPort?: number;
  branch?: string;
  callId?: string;
  cseq?: number;
  method?: string;
  event?: string | null;
  contentType?: string | null;
  extra?: string[];
  /** Fold the From and Event headers over two lines. */
  folded?: boolean;
}

/** A PUBLISH (or another method) carrying `body`, as a phone sends it over UDP. */
export function publish(body: string | Buffer, p: PublishSpec = {}): Buffer {
  const method = p.method ?? 'PUBLISH';
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const lines = [
    `${method} sip:collector@127.0.0.1 SIP/2.0`,
    `Via: SIP/2.0/UDP ${p.viaHost ?? '127.0.0.1'}:${p.viaPort ?? 5060};branch=${p.branch ?? `z9hG4bK${randomBytes(6).toString('hex')}`};rport`,
    'Max-Forwards: 70',
    ...(p.folded ? ['From: "Phone 1001"', '   <sip:1001@pbx.example.org>;tag=ph1'] : ['From: <sip:1001@pbx.example.org>;tag=ph1']),
    'To: <sip:collector@127.0.0.1>',
    `Call-ID: ${p.callId ?? `${randomBytes(6).toString('hex')}@phone`}`,
    `CSeq: ${p.cseq ?? 1} ${method}`,
    ...(p.event === null ? [] : p.folded ? ['Event:', `\t${p.event ?? 'vq-rtcpxr'}`] : [`Event: ${p.event ?? 'vq-rtcpxr'}`]),
    ...(p.contentType === null || bytes.length === 0 ? [] : [`Content-Type: ${p.contentType ?? 'application/vq-rtcpxr'}`]),
    ...(p.extra ?? []),
    `Content-Length: ${bytes.length}`,
  ];
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n'), bytes]);
}

/** The status code of a SIP response text (`NaN` if it is not one). */
export function statusOf(text: string): number {
  const m = /^SIP\/2\.0 (\d{3}) /.exec(text);
  return m ? Number(m[1]) : NaN;
}

/** One header's value in a response text. */
export function headerOf(text: string, name: string): string | undefined {
  const m = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(text.split('\r\n\r\n')[0]);
  return m?.[1];
}
