/**
 * The Vigie plugin SDK: the only module probes and plugins import.
 * See docs/writing-a-plugin.md.
 */
export * from './observation.js';
export * from './entity.js';
export * from './errors.js';
export * from './plugin.js';
export * from './rate.js';
export * from './threshold.js';
export * from './snmp/types.js';
export * from './poll-requests.js';
export * from './port-directory.js';
export * from './log-throttle.js';
export * from './phased-ticks.js';
export { Type, type Static, type TSchema } from '@sinclair/typebox';
