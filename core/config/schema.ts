/**
 * The daemon's configuration, declared once with TypeBox. `buildConfigSchema(true)` is what a
 * user writes (every key optional, defaults given, durations as a number of ms or a string):
 * it is validated with ajv and published as `config/vigie.schema.json`. `buildConfigSchema(false)`
 * is the same declaration after loading: keys that have a default (or, for a probe's `interval`
 * and `hysteresis`, a fallback) are always present, and every duration `<key>` of the file is
 * a number of milliseconds named `<key>Ms` (`store.retentionMs`, `store.flushIntervalMs`,
 * `probes[].intervalMs`). Its static type is `VigieConfig`.
 *
 * Unknown keys are rejected everywhere (`additionalProperties: false`); a probe's `target` and a
 * service's `config` are checked afterwards against their kind's own schema.
 */
import { Type, type Static, type TNumber, type TOptional, type TSchema, type TUnsafe } from '@sinclair/typebox';
import { DURATION_EXPECTED, DURATION_PATTERN } from './duration.js';

/** Instance names: what `<kind>/<name>` ids, log fields and URLs are made of. */
export const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]*$';
export const NAME_EXPECTED = 'a name of letters, digits, ".", "_" or "-", starting with a letter or digit';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export const STORE_ADAPTERS = ['embedded'] as const;
export const TOPOLOGY_NODE_KINDS = ['switch', 'router', 'server', 'trunk', 'room', 'database', 'ups', 'unknown'] as const;

/** A string restricted to `values`, as a plain JSON-Schema `enum` (one error, readable schema). */
export function StringEnum<T extends readonly string[]>(values: T, options: { default?: T[number]; description?: string } = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/** The input form of a duration; `title: 'duration'` lets error messages say what is expected. */
export function DurationInput(options: { default?: string | number; description?: string } = {}): TUnsafe<string | number> {
  return Type.Unsafe<string | number>({
    title: 'duration',
    type: ['number', 'string'],
    exclusiveMinimum: 0,
    pattern: DURATION_PATTERN,
    description: options.description ? `${options.description}; ${DURATION_EXPECTED}` : DURATION_EXPECTED,
    ...(options.default !== undefined ? { default: options.default } : {}),
  });
}

/** Any JSON object; its content belongs to a kind's schema. */
const AnyObject = (options: { default?: object; description: string }) =>
  Type.Unsafe<Record<string, unknown>>({ type: 'object', ...options });

const strict = { additionalProperties: false } as const;

type DurationProperty<F extends boolean, K extends string> =
  F extends true ? { [P in K]: TOptional<TUnsafe<string | number>> } : { [P in `${K}Ms`]: TNumber };

/**
 * A duration key, to spread into an object's properties: `<key>` (optional, number or string)
 * in the file's form, `<key>Ms` (a number of ms, always present) in the loaded form.
 */
function durationKey<F extends boolean, K extends string>(
  input: F, key: K, options: { default?: string | number; description: string },
): DurationProperty<F, K> {
  const schema = input
    ? { [key]: Type.Optional(DurationInput(options)) }
    : { [`${key}Ms`]: Type.Number({ exclusiveMinimum: 0, description: `${options.description} (milliseconds)` }) };
  return schema as DurationProperty<F, K>;
}

/**
 * The one declaration of the config. `input` = true: the file's form; false: the loaded form
 * (required where filled, `<key>Ms` numbers for durations). Files are validated with the first.
 */
export function buildConfigSchema<F extends boolean>(input: F) {
  /** A key with a default (or fallback): optional in the file, always present once loaded. */
  const filled = <T extends TSchema>(schema: T) => Type.Optional(schema, input);
  const hysteresisCount = (def: number | undefined, description: string) =>
    Type.Integer({ minimum: 1, description, ...(def !== undefined ? { default: def } : {}) });
  const Name = Type.String({ pattern: NAME_PATTERN, description: NAME_EXPECTED });

  const Server = Type.Object({
    host: filled(Type.String({ minLength: 1, default: '127.0.0.1', description: 'Address the HTTP/WebSocket server binds to' })),
    port: filled(Type.Integer({ minimum: 0, maximum: 65535, default: 8080, description: 'TCP port; 0 = any free port' })),
    web: filled(Type.Boolean({ default: true, description: 'Serve the web app' })),
  }, { ...strict, default: {} });

  const Log = Type.Object({
    level: filled(StringEnum(LOG_LEVELS, { default: 'info' })),
    pretty: filled(Type.Union([Type.Literal('auto'), Type.Boolean()], {
      default: 'auto', description: 'Human-readable logs: auto = when stdout is a terminal',
    })),
  }, { ...strict, default: {} });

  const Store = Type.Object({
    adapter: filled(StringEnum(STORE_ADAPTERS, { default: 'embedded' })),
    path: filled(Type.String({ minLength: 1, default: './data/vigie.db', description: 'Embedded store file (relative to the working directory)' })),
    ...durationKey(input, 'retention', { default: '30d', description: 'How long samples and events are kept' }),
    batchSize: filled(Type.Integer({ minimum: 1, default: 500, description: 'Samples per write batch' })),
    ...durationKey(input, 'flushInterval', { default: '1s', description: 'Longest wait before a partial batch is written' }),
    queueLimit: filled(Type.Integer({ minimum: 1, default: 100000, description: 'Samples queued before the oldest are dropped' })),
  }, { ...strict, default: {} });

  const Bus = Type.Object({
    bufferLimit: filled(Type.Integer({ minimum: 1, default: 10000, description: 'Observations buffered per consumer' })),
  }, { ...strict, default: {} });

  const Hysteresis = Type.Object({
    down: filled(hysteresisCount(3, 'Consecutive failures before a state goes down')),
    up: filled(hysteresisCount(1, 'Consecutive successes before a state comes back up')),
  }, { ...strict, default: {} });

  const Correlation = Type.Object({ hysteresis: filled(Hysteresis) }, { ...strict, default: {} });

  const Service = Type.Object({
    kind: Type.String({ minLength: 1, description: 'Service kind, provided by a plugin' }),
    name: Name,
    config: filled(AnyObject({ default: {}, description: "Validated by the kind's schema" })),
  }, strict);

  const Probe = Type.Object({
    kind: Type.String({ minLength: 1, description: 'Probe kind, provided by a plugin' }),
    name: Name,
    ...durationKey(input, 'interval', { description: "Poll interval; default: the kind's defaultIntervalMs" }),
    hysteresis: filled(Type.Object({
      down: filled(hysteresisCount(undefined, 'Overrides correlation.hysteresis.down')),
      up: filled(hysteresisCount(undefined, 'Overrides correlation.hysteresis.up')),
    }, { ...strict, description: 'Overrides correlation.hysteresis for this probe' })),
    site: Type.Optional(Type.String({ minLength: 1 })),
    enabled: filled(Type.Boolean({ default: true })),
    target: AnyObject({ description: "What to watch; validated by the kind's schema" }),
  }, strict);

  const Endpoint = Type.Object({
    node: Type.String({ minLength: 1, description: 'A node id' }),
    port: Type.Optional(Type.String({ minLength: 1, description: 'Port (interface) name on that node' })),
  }, strict);

  const Topology = Type.Object({
    nodes: filled(Type.Array(Type.Object({
      id: Type.String({ minLength: 1, description: 'Node identity, e.g. its sysName: sw-01' }),
      name: Type.Optional(Type.String({ minLength: 1 })),
      kind: filled(StringEnum(TOPOLOGY_NODE_KINDS, { default: 'unknown' })),
      site: Type.Optional(Type.String({ minLength: 1 })),
    }, strict), { default: [] })),
    links: filled(Type.Array(Type.Object({
      a: Endpoint,
      b: Endpoint,
      name: Type.Optional(Type.String({ minLength: 1 })),
      speed: Type.Optional(Type.Number({ minimum: 0, description: 'Bits per second' })),
    }, strict), { default: [] })),
  }, { ...strict, default: {}, description: 'Nodes and links declared by hand (discovery adds to them)' });

  // Periodic LLDP/CDP discovery (core/discovery/); absent = off.
  const Discovery = Type.Object({
    seeds: Type.Array(Type.String({ minLength: 1, description: 'HOST[:PORT] of an agent to start from (default port 161)' }), {
      minItems: 1, description: 'Agents the crawl starts from; each must lie inside allow',
    }),
    allow: Type.Array(Type.String({ minLength: 1, pattern: '^[0-9A-Fa-f:.]+(/[0-9]{1,3})?$', description: 'IPv4 or IPv6 CIDR, e.g. 198.18.0.0/15' }), {
      minItems: 1, description: 'The only networks discovery may contact; a neighbour outside them is shown, never polled',
    }),
    version: filled(StringEnum(['1', '2c', '3'] as const, { default: '2c', description: 'SNMP version' })),
    community: Type.Optional(Type.String({ minLength: 1, description: 'v1/v2c community (secret; default public)' })),
    v3: Type.Optional(Type.Object({
      user: Type.String({ minLength: 1, description: 'USM user name' }),
      level: Type.Optional(StringEnum(['noAuthNoPriv', 'authNoPriv', 'authPriv'] as const, { description: 'Default: from the keys given' })),
      authProtocol: Type.Optional(StringEnum(['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'] as const, { description: 'Default sha' })),
      authKey: Type.Optional(Type.String({ minLength: 8, description: 'Authentication pass phrase (secret)' })),
      privProtocol: Type.Optional(StringEnum(['des', 'aes', 'aes256b', 'aes256r'] as const, { description: 'Default aes' })),
      privKey: Type.Optional(Type.String({ minLength: 8, description: 'Privacy pass phrase (secret)' })),
    }, strict)),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: "UDP port of agents reached through an advertised address; default: the first seed's port" })),
    map: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Type.String({ minLength: 1 }), {
      description: 'Neighbour sysName or chassis id → HOST[:PORT] to reach it at (instead of the address it advertises)',
    })),
    ...durationKey(input, 'interval', { default: '1h', description: 'Time between two crawls' }),
    depth: filled(Type.Integer({ minimum: 0, maximum: 100, default: 10, description: 'Hops followed from the seeds' })),
    concurrency: filled(Type.Integer({ minimum: 1, maximum: 256, default: 8, description: 'Agents read at once' })),
    ...durationKey(input, 'timeout', { default: '2s', description: 'Per SNMP request' }),
    retries: filled(Type.Integer({ minimum: 0, maximum: 10, default: 1, description: 'Retransmissions per SNMP request' })),
    ...durationKey(input, 'deviceTimeout', { default: '30s', description: 'Time for one agent to answer in full' }),
  }, { ...strict, description: 'Periodic LLDP/CDP discovery: nodes and links on the map, vanished links removed' });

  return Type.Object({
    server: filled(Server),
    log: filled(Log),
    store: filled(Store),
    bus: filled(Bus),
    correlation: filled(Correlation),
    plugins: filled(Type.Array(Type.String({ minLength: 1 }), {
      default: [], description: 'Plugins to load: npm package names, or paths relative to this file',
    })),
    services: filled(Type.Array(Service, { default: [] })),
    probes: filled(Type.Array(Probe, { default: [] })),
    topology: filled(Topology),
    discovery: Type.Optional(Discovery),
  }, { ...strict, title: 'Vigie configuration' });
}

/** The schema of the file (validated with ajv, published as config/vigie.schema.json). */
export const ConfigSchema = buildConfigSchema(true);
/** The schema of the loaded config (durations in ms, defaults present). */
export const ResolvedConfigSchema = buildConfigSchema(false);

/** The config as written in the file. */
export type VigieConfigInput = Static<typeof ConfigSchema>;
/** The loaded config: defaults filled, each duration `<key>` as `<key>Ms`, a number of ms. */
export type VigieConfig = Static<typeof ResolvedConfigSchema>;
export type ProbeConfig = VigieConfig['probes'][number];
export type ServiceConfig = VigieConfig['services'][number];
