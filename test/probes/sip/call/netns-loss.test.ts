/**
 * A test call with real random packet loss: the test creates a network namespace
 * (`vigie-tc-<random>`), brings its loopback up and drops p = 15 % of the RTP packets arriving
 * on it — with an nftables rule on the input hook (`@th,64,2 2 numgen random mod 100 < 15 drop`:
 * silent, like netem; on the output hook the sender's sendto() would fail with EPERM instead),
 * else with `tc qdisc add dev lo root netem loss 15%` (every packet, signalling too) — then runs
 * SIPp (`-rtp_echo`) and Vigie's side (./netns-call-child.ts, a tsx child) inside it via
 * `ip netns exec`.
 *
 * Every RTP packet crosses the lossy loopback twice (to the echo and back), so the expected loss
 * is q = 1 − (1 − p)² = 27.75 %. With n packets sent, the measured loss is binomial: its standard
 * deviation is σ = √(q(1 − q)/n) (≈ 3.7 points for n = 150), and the test accepts |loss − q| ≤ 4σ
 * (a false failure about once in 16 000 runs). The MOS must be exactly `scoreCall` of the measured
 * loss and RTT/2, and lower than that of the same call without loss.
 *
 * Needs root (network namespaces) and `ip` (test/setup/scratch-netns.ts); fails in CI when they
 * are missing, skips loudly elsewhere. The namespace is deleted after the test, on failure too,
 * and at process exit.
 */
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { scoreCall } from '../../../../probes/sip/quality/e-model.js';
import { scratchNetnsOrSkip, unavailableHere, type ScratchNetns } from '../../../setup/scratch-netns.js';
import { sippOrSkip } from '../../../setup/sipp.js';

const LOSS_PCT = 15;
const CHILD = fileURLToPath(new URL('./netns-call-child.ts', import.meta.url));
const WHAT = 'the netns loss test';

describe('sip test call: loss injected in a network namespace (nftables, else tc netem)', function () {
  this.timeout(90_000);
  let ns: ScratchNetns | undefined;
  let method = '';

  before(function () {
    sippOrSkip(this);
    ns = scratchNetnsOrSkip(this, WHAT);
    try {
      ns.exec('nft', ['-f', '-'], [
        'table inet vigie_loss {',
        // On input, not output: a packet dropped on output fails the sender's sendto() with EPERM,
        // which is not what loss on a network looks like (netem drops silently).
        '  chain in {',
        '    type filter hook input priority 0; policy accept;',
        // Media only: the first two bits after the UDP header are RTP/RTCP's version (2); SIP
        // starts with a letter (01…). Signalling lost too made the call itself fail now and then
        // (no answer within the deadline), which is not what this test measures.
        `    meta l4proto udp @th,64,2 2 numgen random mod 100 < ${LOSS_PCT} drop`,
        '  }',
        '}',
      ].join('\n'));
      method = `nftables numgen random ${LOSS_PCT}% on RTP`;
    } catch (nftError) {
      try {
        // Fallback without nftables: netem drops signalling as well (rarely, a call without answer).
        ns.exec('tc', ['qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'loss', `${LOSS_PCT}%`]);
        method = `tc netem loss ${LOSS_PCT}%`;
      } catch {
        ns.remove();
        unavailableHere(this, WHAT, `nftables failed (${(nftError as Error).message.split('\n')[0]}) and this kernel has no sch_netem; install nftables (apt-get install nftables)`);
      }
    }
  });

  after(() => ns?.remove());

  it(`measures loss ≈ 1 − (1 − ${LOSS_PCT} %)² within 4σ of its packet count, and MOS exactly as scoreCall predicts`, async () => {
    const { data } = await ns!.runChild<{ data: { outcome: string; media: { sent: number; lost: number; lossPct: number }; quality: { mos: number; r: number; lossPct: number; rttMs: number } } }>(
      CHILD, { durationS: 3, timeoutMs: 5000 });
    expect(data.outcome, `with ${method}`).to.equal('answered');
    const n = data.media.sent;
    expect(n).to.be.within(140, 151);
    const q = 1 - (1 - LOSS_PCT / 100) ** 2;
    const sigma = Math.sqrt((q * (1 - q)) / n);
    const measured = data.media.lost / n;
    expect(Math.abs(measured - q), `loss ${(100 * measured).toFixed(1)} % vs expected ${(100 * q).toFixed(2)} % ± ${(400 * sigma).toFixed(1)} (4σ, n = ${n}, ${method})`).to.be.at.most(4 * sigma);
    expect(data.quality.lossPct).to.be.closeTo(100 * measured, 1e-9);
    const expected = scoreCall({ codec: 'G.711', oneWayDelayMs: data.quality.rttMs / 2, lossPct: data.quality.lossPct });
    expect(data.quality.mos).to.be.closeTo(expected.mos, 1e-12);
    expect(data.quality.r).to.be.closeTo(expected.r, 1e-9);
    expect(data.quality.mos).to.be.below(scoreCall({ codec: 'G.711', oneWayDelayMs: data.quality.rttMs / 2, lossPct: 0 }).mos - 0.5);
  });
});
