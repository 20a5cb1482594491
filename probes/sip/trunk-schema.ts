/**
 * The target of a `sip-trunk` probe instance: the trunk's SIP URI, its transport (UDP or TCP),
 * Kamailio-dispatcher-like keepalive settings and an optional REGISTER check. The interval is
 * the instance's (`interval:`), not the target's.
 */
import { isIP } from 'node:net';
import { Type, VigieError, type Static } from '../../plugins/sdk/index.js';
import { ALIVE_CODES_PATTERN } from './alive-codes.js';

/** A SIP URI user part as accepted here: unreserved and a few safe characters, no `@`, `:`, `;` or spaces. */
const SIP_USER_PATTERN = "^[A-Za-z0-9._~!$&'()*+,=%-]+$";

/** The REGISTER check of a trunk (digest authentication; `password` is a secret, redacted in logs). */
export const SipRegisterSchema = Type.Object(
  {
    user: Type.String({ pattern: SIP_USER_PATTERN, description: 'User of the address-of-record sip:USER@DOMAIN (also the Contact user)' }),
    password: Type.String({ minLength: 1, description: 'Digest password (secret: never logged nor emitted)' }),
    authUser: Type.Optional(Type.String({ pattern: SIP_USER_PATTERN, description: 'Digest username when it differs from user' })),
    domain: Type.Optional(Type.String({ pattern: '^(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?$', description: 'Registrar domain (Request-URI sip:DOMAIN); default the URI host' })),
    expires: Type.Integer({ minimum: 1, maximum: 2_147_483_647, default: 300, description: 'Expiry asked for, seconds (the registrar may grant less)' }),
  },
  { additionalProperties: false },
);

export const SipTrunkTargetSchema = Type.Object(
  {
    uri: Type.String({ pattern: '^sip:([^@;?]+@)?(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?([;?].*)?$', description: 'sip:[user@]HOST[:PORT][;transport=udp|tcp] (port 5060 when omitted)' }),
    transport: Type.Optional(Type.Union([Type.Literal('udp'), Type.Literal('tcp')], { description: 'udp or tcp; default the URI\'s ;transport= parameter, else udp' })),
    name: Type.Optional(Type.String({ minLength: 1, description: 'Trunk name (entity trunk:<name>); default the instance name' })),
    timeoutMs: Type.Integer({ minimum: 50, default: 2000, description: 'Deadline of one OPTIONS (retransmitted per Timer E meanwhile)' }),
    failureThreshold: Type.Integer({ minimum: 1, default: 3, description: 'Consecutive failures before down (Kamailio ds_probing_threshold)' }),
    retryIntervalMs: Type.Optional(Type.Integer({ minimum: 100, description: 'After a failed keepalive, while not yet down, try again this soon instead of waiting the interval (faster detection; Nagios\'s retry_interval, Uptime Kuma\'s retry interval). Default: timeoutMs. The interval or more: no early retry (Kamailio\'s dispatcher probes only every interval)' })),
    successThreshold: Type.Integer({ minimum: 1, default: 1, description: 'Consecutive successes before up (Kamailio ds_inactive_threshold)' }),
    aliveCodes: Type.String({ pattern: ALIVE_CODES_PATTERN, default: 'class=2', description: 'Replies that count as alive, e.g. class=2;code=404;code=501 (Kamailio ds_ping_reply_codes)' }),
    degradedRttMs: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Up but degraded when the moving-average RTT exceeds this' })),
    rttWindow: Type.Integer({ minimum: 1, maximum: 1000, default: 10, description: 'RTT samples in the moving average and standard deviation' }),
    via: Type.Optional(Type.String({ minLength: 1, description: 'Identity of the node the trunk leaves through (a topology link to node:<via>)' })),
    localAddress: Type.Optional(Type.String({ minLength: 1, description: 'Local address of the shared SIP socket; default 127.0.0.1 for a loopback trunk, else 0.0.0.0' })),
    register: Type.Optional(SipRegisterSchema),
  },
  { additionalProperties: false },
);

export type SipTrunkTarget = Static<typeof SipTrunkTargetSchema>;

/** Where a trunk URI's requests go. */
export interface SipUriHostPort {
  host: string;
  port: number;
}

/** Host and port of `sip:[user@]host[:port][;params]`; throws VigieError E_CONFIG on anything else. */
export function sipUriHostPort(uri: string): SipUriHostPort {
  const m = /^sip:(?:[^@;?]+@)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?(?:[;?].*)?$/.exec(uri.trim());
  const port = m?.[2] === undefined ? 5060 : Number(m[2]);
  if (!m || port < 1 || port > 65535) throw new VigieError('E_CONFIG', `not a sip:HOST[:PORT] URI: ${uri}`, { value: uri });
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
}

/** The transport a trunk uses: the `transport` key, else the URI's `;transport=`, else udp. */
export function trunkTransport(target: { uri: string; transport?: 'udp' | 'tcp' }): 'udp' | 'tcp' {
  const m = /;transport=([^;?]*)/i.exec(target.uri);
  const fromUri = m?.[1].toLowerCase();
  if (fromUri !== undefined && fromUri !== 'udp' && fromUri !== 'tcp') {
    throw new VigieError('E_CONFIG', `unsupported SIP transport "${m![1]}" in ${target.uri} (udp or tcp)`, { value: target.uri });
  }
  if (fromUri !== undefined && target.transport !== undefined && fromUri !== target.transport) {
    throw new VigieError('E_CONFIG', `transport: ${target.transport} contradicts ;transport=${fromUri} in ${target.uri}`, { value: target.transport });
  }
  return target.transport ?? (fromUri as 'udp' | 'tcp' | undefined) ?? 'udp';
}

/**
 * The local address a SIP socket towards `host` binds to by default: loopback for a loopback peer,
 * else the wildcard address of the peer's IP family.
 */
export function defaultLocalAddressFor(host: string): string {
  const v6 = isIP(host) === 6;
  if (isLoopbackHost(host)) return v6 ? '::1' : '127.0.0.1';
  return v6 ? '::' : '0.0.0.0';
}

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(host: string): boolean {
  return /^127\./.test(host) || host === '::1' || host.toLowerCase() === 'localhost';
}
