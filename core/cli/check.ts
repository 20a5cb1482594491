/** `vigie check`: loads and validates a config exactly as the daemon would, without starting anything. */
import path from 'node:path';
import { DEFAULT_CONFIG, loadDaemonConfig } from '../daemon.js';
import { printStartError } from './start.js';

export async function runCheck(configFile: string | undefined): Promise<number> {
  const file = path.resolve(configFile ?? DEFAULT_CONFIG);
  try {
    const { config, registry } = await loadDaemonConfig(file);
    process.stdout.write(
      `${file}: ok — ${config.probes.length} probe(s), ${config.services.length} service(s), ` +
        `${config.topology.links?.length ?? 0} declared link(s); kinds: ${registry.probeKindNames.join(', ')}\n`,
    );
    return 0;
  } catch (err) {
    printStartError(err);
    return 2;
  }
}
