// Runs before the tests (`npm test`): makes sure the real peers the tests drive (and Chromium) are installed.
// As root it installs missing Debian packages with apt-get; otherwise it names them and exits 1.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian package → a file that proves it is installed. */
const NEEDED = {
  snmpd: '/usr/sbin/snmpd',
  snmp: '/usr/bin/snmpbulkwalk',
  lldpd: '/usr/sbin/lldpd',
  iproute2: '/usr/sbin/ip',
  // the browser tests (test/web) drive Debian's Chromium headless through playwright-core
  chromium: '/usr/bin/chromium',
  // a font, so pages render text (and screenshots are legible) on a minimal system
  'fonts-dejavu-core': '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  // SIP peer for test/probes/sip (test/setup/kamailio.ts runs its own on free loopback ports)
  kamailio: '/usr/sbin/kamailio',
  // SIPp: call generator and UAS with RTP echo (test/setup/sipp.ts); sipsak: a second SIP client
  'sip-tester': '/usr/bin/sipp',
  sipsak: '/usr/bin/sipsak',
  // linphonec: real phones sending RFC 6035 quality reports (test/probes/sip/rtcpxr/linphone.test.ts)
  'linphone-cli': '/usr/bin/linphonec',
  // nft: random packet loss for the test call when the kernel has no netem (test/probes/sip/call/netns-loss.test.ts)
  nftables: '/usr/sbin/nft',
};

ensureSnmpsim();

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
// Debian starts snmpd and kamailio as services on install; the tests run their own on other ports.
spawnSync('sh', ['-c', 'command -v service >/dev/null && { service snmpd stop; service kamailio stop; } || true'], { stdio: 'ignore' });

/**
 * snmpsim (PyPI) replays recorded devices (test/setup/snmpsim.ts). It runs as `nobody`, so it lives
 * in a virtualenv under /opt made with Debian's python3 (a pyenv under /root would be unreadable).
 * As root it is created when missing; otherwise the command is printed (the suite skips, or fails in CI).
 */
function ensureSnmpsim() {
  const venv = process.env.VIGIE_SNMPSIM_VENV ?? '/opt/vigie-snmpsim';
  if (existsSync(`${venv}/bin/snmpsim-command-responder`)) return;
  const pkgs = ['snmpsim==1.2.2', 'pysnmp==7.1.30', 'pysmi==2.0.0'];
  const how = `apt-get install -y python3-venv && /usr/bin/python3 -m venv ${venv} && ${venv}/bin/pip install ${pkgs.join(' ')} && chmod -R a+rX ${venv}`;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const fail = (why) => {
    console.error(`snmpsim is not installed (${why}); as root run:\n  ${how}`);
    if (process.env.CI) process.exit(1);
  };
  if (!root) return fail('not root');
  console.log(`installing snmpsim into ${venv}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', env }).status === 0;
  const hasVenv = () => spawnSync('/usr/bin/python3', ['-c', 'import venv, ensurepip'], { stdio: 'ignore' }).status === 0;
  const aptVenv = () => run('apt-get', ['install', '-y', '--no-install-recommends', 'python3-venv']);
  if (!hasVenv() && !aptVenv() && !(run('apt-get', ['update']) && aptVenv())) return fail('apt-get install python3-venv failed');
  if (!run('/usr/bin/python3', ['-m', 'venv', venv])) return fail('python3 -m venv failed');
  if (!run(`${venv}/bin/pip`, ['install', '-q', '--disable-pip-version-check', ...pkgs])) return fail('pip install failed');
  run('chmod', ['-R', 'a+rX', venv]);
}
