/**
 * Every coded error of Vigie lives here, so a code is defined once and documented once.
 * Errors travel through observables (`subscriber.error(new VigieError(...))`), never thrown
 * from a callback.
 */
export const ERROR_CODES = {
  E_CONFIG: 'the configuration is invalid (file, path, value and expectation are in the details)',
  E_CONFIG_READ: 'the configuration file cannot be read or parsed',
  E_PLUGIN_DUPLICATE: 'two plugins declare the same name, or two declare the same probe kind',
  E_PLUGIN_SDK: 'a plugin asks for an SDK range this daemon does not provide',
  E_PLUGIN_LOAD: 'a plugin module cannot be imported or does not export a plugin',
  E_PLUGIN_INVALID: 'a plugin declaration is malformed',
  E_PROBE_KIND: 'no loaded plugin provides the probe kind',
  E_PROBE_STALLED: 'a probe has been silent for three of its intervals',
  E_ENTITY_ID: 'an entity id cannot be derived',
  E_SNMP_TIMEOUT: 'an SNMP agent did not answer in time',
  E_SNMP: 'an SNMP request failed',
  E_STORE: 'the store failed an operation',
  E_STORE_CLOSED: 'the store is closed',
  E_SHUTDOWN_TIMEOUT: 'a shutdown step did not finish in time',
  E_RECORDING: 'a device recording (.snmprec) is malformed',
  E_SCAFFOLD: 'a plugin scaffold cannot be created',
  E_SIMULATOR: 'the SNMP simulator cannot start (a UDP port is taken or cannot be bound)',
  E_HTTP_BAD_REQUEST: 'an HTTP request parameter is missing or invalid (the parameter is named)',
  E_HTTP_NOT_FOUND: 'no resource at this HTTP path, or the entity is unknown',
  E_HTTP_METHOD: 'the HTTP method is not allowed on this path',
  E_HTTP_INTERNAL: 'the server failed while answering an HTTP request',
  E_HTTP_FORBIDDEN: 'a write to the HTTP API came from a page of another origin (its Origin header does not match the host)',
  E_WS_MESSAGE: 'a WebSocket message from a client is not valid JSON or not a known operation',
  E_DISCOVERY: 'discovery cannot run as asked (a seed outside the allow-list, a malformed CIDR or address)',
  E_TRAP_LISTEN: 'the SNMP trap receiver cannot listen (the UDP port is taken or needs privileges)',
  E_HEP_LISTEN: 'the HEP collector cannot listen (the UDP address is malformed, the port is taken or needs privileges)',
  E_HEP_DECODE: 'a HEPv3 datagram is rejected: truncated, bad magic, length mismatch, a chunk overrunning or malformed, an oversized or undecompressable payload, or a missing/wrong auth key (the reason is in the details)',
  E_QUALITY_INPUT: 'a call-quality (E-model) computation got an invalid input: negative, NaN or out-of-range value, or an unknown codec (the field is named)',
  E_RTCP_MALFORMED: 'an RTCP packet is malformed: truncated, wrong version, or a length field past the end of the datagram',
  E_VQ_REPORT: 'an RTCP-XR voice-quality report (RFC 6035 application/vq-rtcpxr body) is rejected: not text, oversized, no report type line, or no CallID (the reason is in the details)',
  E_SIP_TIMEOUT: 'a SIP request got no final response in time (RFC 3261 Timer F, or the per-request deadline; which one is in the details)',
  E_SIP_TRANSPORT: 'the SIP engine cannot send: its UDP socket cannot be bound, a send failed, or the engine is closed',
  E_SIP_PROTOCOL: 'a SIP peer answered against the protocol so the call cannot go on (e.g. a 2xx to an INVITE without a To tag, or a remote target that is not a SIP URI)',
  E_SDP_ANSWER: 'the SDP answer to a test call is unusable: no SDP, not SDP, no audio m= line, audio refused (port 0), no connection address, or no codec that was offered (the reason is in the details)',
  E_RTP_SOCKET: 'the RTP socket of a test call cannot be bound (the port is taken or the address is not local) or cannot send',
  E_SIP_LISTEN: 'a SIP listener (the RTCP-XR collector) cannot bind its UDP address (port taken, needs privileges, bad address), or its socket failed',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class VigieError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VigieError';
    this.code = code;
    this.details = details;
  }
}

/**
 * True for a VigieError (with that code, when given). Checked by shape, not `instanceof`: a
 * plugin installed from npm may carry its own copy of the SDK, and a module loaded both as ESM
 * and through require() has two class identities.
 */
export function isVigieError(e: unknown, code?: ErrorCode): e is VigieError {
  if (!(e instanceof Error) && !(typeof e === 'object' && e !== null)) return false;
  const x = e as { name?: unknown; code?: unknown };
  return x.name === 'VigieError' && typeof x.code === 'string' && x.code in ERROR_CODES && (code === undefined || x.code === code);
}
