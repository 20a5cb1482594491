/**
 * The `vigie` command line (commander): start, check, probe, discover, plugin init, sim.
 * Every command exits non-zero with a clear message on bad input; config errors exit 2.
 */
import { Command, Option } from 'commander';
import { VERSION } from '../daemon.js';
import { runCheck } from './check.js';
import { DISCOVER_DEFAULTS, runDiscover } from './discover.js';
import { runPluginInit } from './plugin-init.js';
import { runProbeCommand } from './probe.js';
import { runSim, runSimTrap } from './sim.js';
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

program.command('discover')
  .description('crawl LLDP/CDP neighbours from a seed agent, contacting only addresses inside --allow; print the topology')
  .requiredOption('--seed <agent...>', 'agent(s) to start from, HOST[:PORT] (default port 161); each must be inside --allow')
  .requiredOption('--allow <cidr...>', 'networks that may be contacted (IPv4/IPv6 CIDR, e.g. 198.18.0.0/15); nothing else ever is')
  .option('--community <c>', 'v1/v2c community (a secret: never printed; default public)')
  .addOption(new Option('--snmp-version <v>', 'SNMP version (default 2c, or 3 with --v3-user)').choices(['1', '2c', '3']))
  .option('--v3-user <user>', 'SNMPv3 USM user')
  .addOption(new Option('--v3-auth-protocol <p>', 'SNMPv3 authentication protocol').choices(['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512']))
  .option('--v3-auth-key <key>', 'SNMPv3 authentication pass phrase (secret)')
  .addOption(new Option('--v3-priv-protocol <p>', 'SNMPv3 privacy protocol').choices(['des', 'aes', 'aes256b', 'aes256r']))
  .option('--v3-priv-key <key>', 'SNMPv3 privacy pass phrase (secret)')
  .option('--depth <n>', 'hops followed from the seeds (0 = the seeds only)', DISCOVER_DEFAULTS.depth)
  .option('--port <port>', 'UDP port of agents found through their management address (default: the first seed\'s port)')
  .option('--map <name=host:port...>', 'reach the neighbour with this sysName or chassis id at this address instead of the one it advertises')
  .option('--concurrency <n>', 'agents read at once', DISCOVER_DEFAULTS.concurrency)
  .option('--timeout <duration>', 'per SNMP request', DISCOVER_DEFAULTS.timeout)
  .option('--retries <n>', 'retransmissions per SNMP request', DISCOVER_DEFAULTS.retries)
  .option('--device-timeout <duration>', 'time for one agent to answer in full', DISCOVER_DEFAULTS.deviceTimeout)
  .option('--json', 'print {nodes, links, contacted, failures} as JSON')
  .option('--write-config <file>', 'add a probe per polled device and the links to this YAML config (created if missing; other keys and comments kept)')
  .option('-q, --quiet', 'no progress lines on stderr')
  .action(async (o) => process.exit(await runDiscover(o)));

program.command('sim')
  .description('run the device simulator alone (SNMP agents on loopback); with --trap, send one trap and exit')
  .option('--switches <n>', 'switches in the generated site', '10')
  .option('--ports <n>', 'ports per generated switch', '8')
  .option('--routers <n>', 'BGP routers in the generated site, cabled to the first switches', '0')
  .option('--base-port <port>', 'first UDP port (0 = any free ports)', '16100')
  .option('--host <addr>', 'loopback address to bind', '127.0.0.1')
  .option('--community <c>', 'SNMP community', 'public')
  .option('--recording <file...>', '.snmprec files to serve (a name in plugins/simulator/recordings or a path)')
  .option('--trap <type>', 'send one trap and exit: linkDown, linkUp, coldStart, warmStart, authenticationFailure')
  .option('--to <host:port>', 'trap destination, a loopback address (default 127.0.0.1:162)')
  .option('--if-index <n>', 'linkDown/linkUp: the port\'s ifIndex (default 1)')
  .option('--if-name <name>', 'linkDown/linkUp: add the port\'s ifName')
  .addOption(new Option('--snmp-version <v>', 'trap SNMP version (default 2c, or 3 with --v3-user)').choices(['1', '2c', '3']))
  .option('--inform', 'send an INFORM and wait for its acknowledgement (v2c/v3)')
  .option('--agent-address <addr>', 'v1 agent-addr field (default 127.0.0.1)')
  .option('--v3-user <user>', 'SNMPv3 user (SHA auth / AES priv with the keys given)')
  .option('--v3-auth-key <key>', 'SNMPv3 authentication pass phrase (secret)')
  .option('--v3-priv-key <key>', 'SNMPv3 privacy pass phrase (secret)')
  .action(async (o) => (o.trap ? process.exit(await runSimTrap(o)) : runSim(o)));

await program.parseAsync(process.argv);
