/**
 * `vigie start`: runs the daemon until SIGINT/SIGTERM, then stops in order and exits 0 (1 if
 * the stop itself failed). A second signal exits at once. Errors that escape every handler are
 * logged and counted, never fatal: the daemon does not die because a probe did.
 */
import { isVigieError } from '../../plugins/sdk/index.js';
import { formatConfigErrors, type ConfigError } from '../config/load.js';
import { startDaemon, type Daemon } from '../daemon.js';

export async function runStart(configFile: string | undefined): Promise<void> {
  let daemon: Daemon;
  try {
    daemon = await startDaemon({ configFile });
  } catch (err) {
    printStartError(err);
    process.exit(isVigieError(err, 'E_CONFIG') || isVigieError(err, 'E_CONFIG_READ') ? 2 : 1);
  }
  process.on('uncaughtException', (err) => {
    daemon.metrics.uncaught.inc();
    daemon.log.error({ err }, 'uncaught error contained');
  });
  process.on('unhandledRejection', (err) => {
    daemon.metrics.uncaught.inc();
    daemon.log.error({ err }, 'unhandled rejection contained');
  });
  let signalled = false;
  const onSignal = (sig: string) => {
    if (signalled) process.exit(1);
    signalled = true;
    daemon.log.info({ signal: sig }, 'stopping');
    const hard = setTimeout(() => process.exit(1), 10_000);
    hard.unref();
    daemon.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

export function printStartError(err: unknown): void {
  if (isVigieError(err) && Array.isArray(err.details?.errors)) {
    process.stderr.write(`vigie: ${err.message}\n${formatConfigErrors(err.details.errors as ConfigError[])}\n`);
  } else if (isVigieError(err)) {
    process.stderr.write(`vigie: ${err.code}: ${err.message}\n`);
  } else {
    process.stderr.write(`vigie: ${(err as Error)?.stack ?? String(err)}\n`);
  }
}
