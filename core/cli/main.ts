/**
 * The `vigie` command line (commander): start, check, probe, plugin init, sim.
 * Every command exits non-zero with a clear message on bad input; config errors exit 2.
 */
import { Command, Option } from 'commander';
import { VERSION } from '../daemon.js';
import { runCheck } from './check.js';
import { runPluginInit } from './plugin-init.js';
import { runProbeCommand } from './probe.js';
import { runSim } from './sim.js';
import { runStart } from './start.js';

const program = new Command('vigie')
  .description('Vigie: watches network and telephony, with a live topology map')
  .version(VERSION)
  .showHelpAfterError();

program.command('start')
  .description('run the daemon (default config: config/default.yaml, the demo site)')
  .option('-c, --config <file>', 'configuration file (YAML)')
  .action((o: { config?: string }) => runStart(o.config));

program.command('check')
  .description('validate a configuration file; prints every error with file:line, path, value and expectation; exit 2 on error')
  .option('-c, --config <file>', 'configuration file (YAML)')
  .action(async (o: { config?: string }) => process.exit(await runCheck(o.config)));

program.command('probe')
  .description('run one probe instance outside the daemon and print its observations')
  .argument('<kind>', 'probe kind, e.g. snmp-system')
  .option('-c, --config <file>', 'YAML: a daemon config (first probe of that kind, or --name), a probes: entry, or a bare target')
  .option('-n, --name <name>', 'instance name (picks that probe from a daemon config)')
  .option('-s, --set <key=value...>', 'target settings, e.g. --set host=127.0.0.1 port=16100 (dotted keys for nesting)')
  .option('-i, --interval <duration>', 'poll interval, e.g. 5s')
  .option('--once', 'stop after the first round of observations')
  .option('--json', 'one JSON observation per line')
  .addOption(new Option('--timeout <duration>', 'give up after this long (with --once)').default('15s'))
  .action(async (kind: string, o) => process.exit(await runProbeCommand(kind, o)));

const plugin = program.command('plugin').description('plugin author tools');
plugin.command('init')
  .description('scaffold a new probe-kind plugin folder with README, sample.yaml and a passing test')
  .argument('<name>', 'plugin and probe kind name, e.g. acme-ups')
  .option('-d, --dir <folder>', 'parent folder', 'plugins')
  .action(async (name: string, o: { dir: string }) => process.exit(await runPluginInit(name, o.dir)));

program.command('sim')
  .description('run the device simulator alone (SNMP agents on loopback)')
  .option('--switches <n>', 'switches in the generated site', '10')
  .option('--ports <n>', 'ports per generated switch', '8')
  .option('--base-port <port>', 'first UDP port (0 = any free ports)', '16100')
  .option('--host <addr>', 'loopback address to bind', '127.0.0.1')
  .option('--community <c>', 'SNMP community', 'public')
  .option('--recording <file...>', '.snmprec files to serve (a name in ../shared/snmprec or a path)')
  .action((o) => runSim(o));

await program.parseAsync(process.argv);
