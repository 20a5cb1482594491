/**
 * The target of a `sip-test-call` probe instance: which trunk the call's observations go on, where
 * the INVITE goes, the test number (an echo service at the far end), and the media settings.
 * The schedule is the instance's `interval:` (default 5 min).
 */
import { Type, type Static } from '../../../plugins/sdk/index.js';
import { sipUriHostPort, type SipUriHostPort } from '../trunk-schema.js';
import { CodecProfileSchema } from '../quality/codecs.js';


export const SipTestCallTargetSchema = Type.Object(
  {
    uri: Type.String({
      pattern: '^(sip:)?([^@;?]+@)?(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?([;?].*)?$',
      description: 'The trunk: sip:HOST[:PORT] or HOST:PORT the INVITE goes to (UDP; port 5060 when omitted)',
    }),
    number: Type.String({ minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9*#+._!~'()-]+$", description: 'Test number (an echo service): the user part of the Request-URI' }),
    trunk: Type.Optional(Type.String({ minLength: 1, description: 'Trunk name: observations go on trunk:<name>; default the instance name' })),
    durationS: Type.Number({ minimum: 1, maximum: 300, default: 5, description: 'Seconds of RTP sent once answered' }),
    codec: Type.Union([Type.Literal('PCMU'), Type.Literal('PCMA')], { default: 'PCMU', description: 'G.711 law offered first (the other is offered too)' }),
    rtpPort: Type.Integer({ minimum: 0, maximum: 65535, default: 0, description: 'Local RTP port (0: any free one)' }),
    timeoutMs: Type.Integer({ minimum: 100, default: 10_000, description: 'No final answer by then: no-answer (a ringing INVITE is CANCELled)' }),
    fromUser: Type.String({ minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9*#+._!~'()-]+$", default: 'vigie', description: 'User part of the From URI (the caller id the far end sees)' }),
    localAddress: Type.Optional(Type.String({ minLength: 1, description: 'Local address of the SIP and RTP sockets; default 127.0.0.1 (::1) for a loopback trunk, else 0.0.0.0 (::)' })),
    codecs: Type.Optional(Type.Array(CodecProfileSchema, { description: 'E-model profiles replacing the defaults, e.g. G.711 without packet-loss concealment { name: G.711, ie: 0, bpl: 4.3 }' })),
    mediaAddress: Type.Optional(Type.String({ minLength: 1, description: 'Address written in the SDP offer (c=); default the SIP socket\'s advertised address' })),
  },
  { additionalProperties: false },
);

export type SipTestCallTarget = Static<typeof SipTestCallTargetSchema>;

/** Host and port of the trunk `uri` (with or without `sip:`); throws VigieError E_CONFIG when unusable. */
export function testCallDestination(uri: string): SipUriHostPort {
  const trimmed = uri.trim();
  return sipUriHostPort(/^sip:/i.test(trimmed) ? trimmed : `sip:${trimmed}`);
}
