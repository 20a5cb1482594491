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

export function isVigieError(e: unknown, code?: ErrorCode): e is VigieError {
  return e instanceof VigieError && (code === undefined || e.code === code);
}
