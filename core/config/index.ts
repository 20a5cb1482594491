/** The daemon's configuration: schema, loader, errors, durations, env overrides. */
export {
  loadConfig, validateValue, formatConfigErrors, formatConfigError, parseDuration,
  type LoadConfigOptions, type LoadedConfig, type ConfigError, type KindSchemas,
} from './load.js';
export { ENV_PREFIX, RESERVED_ENV_VARS, envVariableNames } from './env.js';
export {
  ConfigSchema, ResolvedConfigSchema, buildConfigSchema, LOG_LEVELS, STORE_ADAPTERS, TOPOLOGY_NODE_KINDS,
  type VigieConfig, type VigieConfigInput, type ProbeConfig, type ServiceConfig,
} from './schema.js';
