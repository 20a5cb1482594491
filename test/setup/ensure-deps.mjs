// Runs before the tests (`npm test`): makes sure the real peers the tests drive are installed.
// As root it installs missing Debian packages with apt-get; otherwise it names them and exits 1.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian package → a file that proves it is installed. */
const NEEDED = {
  snmpd: '/usr/sbin/snmpd',
  snmp: '/usr/bin/snmpbulkwalk',
};

const missing = Object.entries(NEEDED).filter(([, file]) => !existsSync(file)).map(([pkg]) => pkg);
if (missing.length === 0) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot) {
  console.error(`The tests need these Debian packages: ${missing.join(' ')}\n  sudo apt-get install -y ${missing.join(' ')}`);
  process.exit(1);
}
console.log(`installing Debian packages for the tests: ${missing.join(' ')}`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
let r = install();
if (r.status !== 0) {
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  r = install();
}
if (r.status !== 0) {
  console.error(`apt-get install ${missing.join(' ')} failed`);
  process.exit(1);
}
// Debian starts snmpd as a service on install; the tests run their own on other ports.
spawnSync('sh', ['-c', 'command -v service >/dev/null && service snmpd stop || true'], { stdio: 'ignore' });
