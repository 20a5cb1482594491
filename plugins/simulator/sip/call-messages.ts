/**
 * SIMULATOR ONLY — the SIP text of a fabricated call's messages (RFC 3261 INVITE dialog, SDP
 * offer/answer per RFC 3264), as a capture agent between a PBX and the trunk would see them.
 * Every address is loopback: the trunk is its real `host:port` (so a collector maps the call to
 * the trunk by that address), the PBX a fixed loopback address (`pbxEndpoint`). Nothing here
 * is sent to those addresses: the text is only mirrored inside HEP packets.
 */
import { isIP } from 'node:net';
import { hostPort } from './sip-text.js';
import type { SimCall, SimStep } from './call-plan.js';

export interface SimEndpoint {
  host: string;
  port: number;
}

/** The two ends of the trunk leg: the simulated PBX and the trunk. */
export interface SimLeg {
  pbx: SimEndpoint;
  trunk: SimEndpoint;
}

/** The simulated PBX's signalling address: 127.0.0.10:5060 beside an IPv4 trunk, [::1]:5060 beside an IPv6 one. */
export function pbxEndpoint(trunkHost: string): SimEndpoint {
  return { host: isIP(trunkHost) === 6 ? '::1' : '127.0.0.10', port: 5060 };
}

/** One SIP message of the call and which end sends it. */
export interface SimSipMessage {
  from: 'pbx' | 'trunk';
  text: string;
}

const ALLOW = 'Allow: INVITE, ACK, BYE, CANCEL, OPTIONS';
const REASONS: Readonly<Record<number, string>> = { 100: 'Trying', 180: 'Ringing', 200: 'OK', 408: 'Request Timeout', 486: 'Busy Here', 503: 'Service Unavailable' };

function message(startLine: string, headers: string[], body = '', contentType = 'application/sdp'): string {
  const lines = [startLine, ...headers];
  if (body) lines.push(`Content-Type: ${contentType}`);
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

function sdp(host: string, port: number, sessionId: number, payloadTypes: string, rtpmaps: string[]): string {
  const ip = isIP(host) === 6 ? 'IP6' : 'IP4';
  return [
    'v=0', `o=- ${sessionId} 1 IN ${ip} ${host}`, 's=Vigie-simulator', `c=IN ${ip} ${host}`, 't=0 0',
    `m=audio ${port} RTP/AVP ${payloadTypes}`, ...rtpmaps, 'a=ptime:20', 'a=sendrecv', '',
  ].join('\r\n');
}

/** The PBX's offer: PCMU, G729, telephone-event. */
export function sdpOffer(call: SimCall, leg: SimLeg): string {
  return sdp(leg.pbx.host, call.pbxMediaPort, call.pbxSsrc, '0 18 101', [
    'a=rtpmap:0 PCMU/8000', 'a=rtpmap:18 G729/8000', 'a=fmtp:18 annexb=no', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16',
  ]);
}

/** The trunk's answer: the call's codec and telephone-event. */
export function sdpAnswer(call: SimCall, leg: SimLeg): string {
  const c = call.codec;
  const maps = [`a=rtpmap:${c.payloadType} ${c.name}/8000`, ...(c.name === 'G729' ? ['a=fmtp:18 annexb=no'] : []), 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16'];
  return sdp(leg.trunk.host, call.trunkMediaPort, call.trunkSsrc, `${c.payloadType} 101`, maps);
}

/** The SIP message of a signalling step, or undefined for `rtcp` / `vq` steps. */
export function sipMessage(call: SimCall, step: SimStep['what'], leg: SimLeg): SimSipMessage | undefined {
  const pbx = hostPort(leg.pbx.host, leg.pbx.port);
  const trunk = hostPort(leg.trunk.host, leg.trunk.port);
  const pbxHost = leg.pbx.host.includes(':') ? `[${leg.pbx.host}]` : leg.pbx.host;
  const calleeUri = `sip:${call.callee}@${trunk}`;
  const fromHdr = `From: <sip:${call.caller}@${pbxHost}>;tag=${call.fromTag}`;
  const toHdr = `To: <${calleeUri}>`;
  const inviteVia = `Via: SIP/2.0/UDP ${pbx};branch=${call.branches.invite};rport`;
  const callIdHdr = `Call-ID: ${call.callId}`;
  const response = (code: number, extra: string[] = [], body = ''): SimSipMessage => ({
    from: 'trunk',
    text: message(`SIP/2.0 ${code} ${REASONS[code]}`, [
      `${inviteVia};received=${leg.pbx.host}`, fromHdr, code === 100 ? toHdr : `${toHdr};tag=${call.toTag}`, callIdHdr, 'CSeq: 1 INVITE', ...extra, 'Server: Vigie-simulator trunk',
    ], body),
  });
  const trunkContact = `Contact: <${calleeUri}>`;
  switch (step) {
    case 'invite':
      return {
        from: 'pbx',
        text: message(`INVITE ${calleeUri} SIP/2.0`, [
          inviteVia, 'Max-Forwards: 70', fromHdr, toHdr, callIdHdr, 'CSeq: 1 INVITE', `Contact: <sip:${call.caller}@${pbx}>`, ALLOW, 'User-Agent: Vigie-simulator PBX',
        ], sdpOffer(call, leg)),
      };
    case 'trying':
      return response(100);
    case 'ringing':
      return response(180, [trunkContact]);
    case 'final':
      return call.finalCode === 200 ? response(200, [trunkContact, ALLOW], sdpAnswer(call, leg)) : response(call.finalCode ?? 500);
    case 'ack': {
      const answered = call.finalCode === 200;
      const via = answered ? `Via: SIP/2.0/UDP ${pbx};branch=${call.branches.ack};rport` : inviteVia;
      return { from: 'pbx', text: message(`ACK ${calleeUri} SIP/2.0`, [via, 'Max-Forwards: 70', fromHdr, `${toHdr};tag=${call.toTag}`, callIdHdr, 'CSeq: 1 ACK']) };
    }
    case 'bye':
    case 'bye-ok':
      return byeMessage(call, step, { pbx, trunk, pbxHost, calleeUri, callIdHdr });
    default:
      return undefined;
  }
}

/** The BYE (from whichever end hangs up) or its 200. */
function byeMessage(call: SimCall, step: 'bye' | 'bye-ok', a: { pbx: string; trunk: string; pbxHost: string; calleeUri: string; callIdHdr: string }): SimSipMessage {
  const pbxParty = `<sip:${call.caller}@${a.pbxHost}>;tag=${call.fromTag}`;
  const trunkParty = `<${a.calleeUri}>;tag=${call.toTag}`;
  const byPbx = call.byeFrom === 'pbx';
  const via = `Via: SIP/2.0/UDP ${byPbx ? a.pbx : a.trunk};branch=${call.branches.bye};rport`;
  const from = `From: ${byPbx ? pbxParty : trunkParty}`;
  const to = `To: ${byPbx ? trunkParty : pbxParty}`;
  const cseq = `CSeq: ${byPbx ? 2 : 101} BYE`;
  if (step === 'bye') {
    const target = byPbx ? a.calleeUri : `sip:${call.caller}@${a.pbx}`;
    return { from: call.byeFrom, text: message(`BYE ${target} SIP/2.0`, [via, 'Max-Forwards: 70', from, to, a.callIdHdr, cseq]) };
  }
  return { from: byPbx ? 'trunk' : 'pbx', text: message('SIP/2.0 200 OK', [via, from, to, a.callIdHdr, cseq]) };
}
