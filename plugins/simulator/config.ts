/**
 * The simulator's configuration: its TypeBox schema (also its TypeScript type) and the checks the
 * schema cannot express. `resolveConfig` fills defaults, validates, and turns recording names
 * into file paths; errors are `VigieError('E_CONFIG')` naming the path and the bad value. The
 * default site applies when neither recordings nor SIP trunks (`sipTrunks`, sip/sip-trunk-config.ts) are given.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Value } from '@sinclair/typebox/value';
import { Type, VigieError, type Static } from '../sdk/index.js';
import { isLoopback } from './agent.js';
import { resolveSipTrunks, SipTrunkConfig, type ResolvedSipTrunk } from './sip/sip-trunk-config.js';

const LOOPBACK_PATTERN = '^(127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|::1)$';

export const SimulatorConfig = Type.Object(
  {
    host: Type.String({ default: '127.0.0.1', pattern: LOOPBACK_PATTERN, description: 'loopback address to bind (127.0.0.0/8 or ::1); any other is refused' }),
    basePort: Type.Integer({ default: 16100, minimum: 0, maximum: 65535, description: 'UDP port of the first device, the next ones follow; 0 = free ports' }),
    community: Type.String({ default: 'public', minLength: 1, description: 'SNMP v1/v2c community every device accepts (a secret: never logged)' }),
    site: Type.Optional(
      Type.Object(
        {
          switches: Type.Integer({ default: 10, minimum: 1, maximum: 1000 }),
          portsPerSwitch: Type.Integer({ default: 8, minimum: 2, maximum: 255 }),
          seed: Type.Integer({ default: 1 }),
          routers: Type.Optional(
            Type.Integer({ minimum: 0, maximum: 99, description: 'generated routers sim-rtr-01… (BGP peers, routes, CPU/memory), each cabled to two switches; default 0' }),
          ),
        },
        { additionalProperties: false, description: 'a generated site of switches (and routers) cabled with LLDP; defaults apply when no recordings are given' },
      ),
    ),
    recordings: Type.Optional(
      Type.Array(
        Type.Object(
          {
            file: Type.String({ minLength: 1, description: 'path to a .snmprec, or a bare name (e.g. ios_2960x) found in $VIGIE_SNMPREC_DIR, else plugins/simulator/recordings' }),
            name: Type.Optional(Type.String({ minLength: 1, pattern: '^[A-Za-z0-9_.-]+$', description: 'device name (default: the file name)' })),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    sipTrunks: Type.Optional(
      Type.Array(SipTrunkConfig, {
        description: 'simulated SIP trunks on the same host: an OPTIONS/REGISTER responder each, and fabricated calls mirrored to HEP / RTCP-XR collectors (see README)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type SimulatorConfig = Static<typeof SimulatorConfig>;

/** The config with defaults applied, `site` decided and recording files resolved to paths. */
export interface ResolvedSimulatorConfig {
  host: string;
  basePort: number;
  community: string;
  site?: { switches: number; portsPerSwitch: number; seed: number; routers?: number };
  recordings: { path: string; name: string }[];
  /** Simulated SIP trunks (none unless configured). */
  sipTrunks: ResolvedSipTrunk[];
}

/**
 * Where bare recording names are looked up: `$VIGIE_SNMPREC_DIR`, else the corpus shipped with
 * the simulator (`plugins/simulator/recordings`, real-device walks from LibreNMS, see its README).
 */
export function recordingsDir(): string {
  return process.env.VIGIE_SNMPREC_DIR ?? fileURLToPath(new URL('./recordings/', import.meta.url));
}

/** A `file` entry as a path: a bare name (no `/`) is looked up in `recordingsDir()`, `.snmprec` optional. */
export function resolveRecordingFile(file: string): string {
  if (file.includes('/') || file.includes('\\')) return isAbsolute(file) ? file : resolve(file);
  const withExt = file.endsWith('.snmprec') ? file : `${file}.snmprec`;
  return resolve(recordingsDir(), withExt);
}

export function resolveConfig(input: Partial<SimulatorConfig>): ResolvedSimulatorConfig {
  const cfg = Value.Default(SimulatorConfig, Value.Clone(input ?? {})) as SimulatorConfig;
  if (cfg.site) Value.Default(SimulatorConfig.properties.site, cfg.site);
  if (Array.isArray(cfg.sipTrunks)) cfg.sipTrunks.forEach((t) => Value.Default(SipTrunkConfig, t));
  const first = Value.Errors(SimulatorConfig, cfg).First();
  if (first) {
    const secret = first.path === '/community' || /^\/sipTrunks\/\d+\/(password|hepAuthKey)$/.test(first.path);
    const got = secret ? '(hidden)' : JSON.stringify(first.value);
    throw new VigieError('E_CONFIG', `simulator config ${first.path || '/'}: ${first.message} (got ${got})`, {
      path: first.path,
    });
  }
  if (!isLoopback(cfg.host)) throw new VigieError('E_CONFIG', `simulator config /host: ${cfg.host} is not a loopback address`, { path: '/host' });
  const recordings = (cfg.recordings ?? []).map((r, i) => {
    const path = resolveRecordingFile(r.file);
    if (!existsSync(path)) throw new VigieError('E_CONFIG', `simulator config /recordings/${i}/file: ${path} does not exist`, { path: `/recordings/${i}/file` });
    return { path, name: r.name ?? path.replace(/^.*[/\\]/, '').replace(/\.snmprec$/, '') };
  });
  const sipTrunks = resolveSipTrunks(cfg.sipTrunks ?? []);
  const site = cfg.site ?? (recordings.length === 0 && sipTrunks.length === 0 ? { switches: 10, portsPerSwitch: 8, seed: 1 } : undefined);
  return { host: cfg.host, basePort: cfg.basePort, community: cfg.community, site, recordings, sipTrunks };
}
