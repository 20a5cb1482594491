/**
 * Opening a store from the configuration. Adapters are looked up by name in `ADAPTERS`, so a new
 * one (e.g. `mongodb`) is one more entry there and one more member of `StoreConfig`; callers of
 * `openStore` do not change.
 */
import type { Logger } from 'pino';
import { VigieError } from '../../plugins/sdk/index.js';
import { EmbeddedStore } from './embedded.js';
import type { Store } from './port.js';

export type { Store, Sample, SeriesPoint, StoredEvent, EventFilter, StoreOptions, MapPosition, SiteLayout, MapLayouts } from './port.js';
export { StoreWriter, type StoreWriterOptions, type StoreWriterStats } from './writer.js';

export interface EmbeddedStoreConfig {
  adapter: 'embedded';
  /** Database file; its directory is created. */
  path: string;
  /** Retention of samples and events, ms. */
  retentionMs: number;
}

/** Every adapter's configuration; discriminated by `adapter`. */
export type StoreConfig = EmbeddedStoreConfig;

type AdapterName = StoreConfig['adapter'];
type AdapterFactory<N extends AdapterName> = (cfg: Extract<StoreConfig, { adapter: N }>, log: Logger) => Promise<Store>;

const ADAPTERS: { [N in AdapterName]: AdapterFactory<N> } = {
  embedded: (cfg, log) =>
    EmbeddedStore.open({ path: cfg.path, retentionMs: cfg.retentionMs, log: log.child({ store: 'embedded' }) }),
};

/** The adapter names this build knows. */
export const STORE_ADAPTERS = Object.keys(ADAPTERS) as AdapterName[];

/**
 * Opens the store the configuration names. Rejects with `E_CONFIG` for an unknown adapter and
 * with the adapter's error (`E_STORE`) when it cannot open.
 */
export async function openStore(cfg: StoreConfig, log: Logger): Promise<Store> {
  const factory = Object.hasOwn(ADAPTERS, cfg.adapter)
    ? (ADAPTERS as Record<string, AdapterFactory<AdapterName>>)[cfg.adapter]
    : undefined;
  if (!factory) {
    throw new VigieError('E_CONFIG', `unknown store adapter ${JSON.stringify(cfg.adapter)} (known: ${STORE_ADAPTERS.join(', ')})`, {
      path: 'store.adapter', value: cfg.adapter, expected: STORE_ADAPTERS,
    });
  }
  const store = await factory(cfg, log);
  log.info({ adapter: cfg.adapter }, 'store opened');
  return store;
}
