/**
 * The `snmp-trap` receiver under hostile input, from raw UDP sockets: the per-source storm limit
 * (pre-encoded v2c traps sent as fast as a socket goes), random, truncated, oversized and
 * non-trap datagrams, a port already taken, and unsubscribe freeing the port. The test kit's
 * virtual clock stands still unless advanced, so the token buckets refill only when the test
 * says and every count is exact.
 */
import { expect } from 'chai';
import { createSocket, type Socket } from 'node:dgram';
import { encodeInt, encodeVarbind, tlv } from '../../../plugins/simulator/ber.js';
import { encodeV2cTrap } from '../../../plugins/simulator/traps.js';
import { isVigieError } from '../../../plugins/sdk/index.js';
import { canBind, memoryLog, startReceiver, type TrapRun } from './support.js';

/** A UDP socket bound to a loopback source address (127.0.0.0/8 all reach the receiver). */
function sender(address: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, address, () => resolve(s));
  });
}

function send(s: Socket, port: number, bufs: Buffer[]): Promise<void> {
  return Promise.all(bufs.map((b) => new Promise<void>((resolve, reject) => s.send(b, port, '127.0.0.1', (e) => (e ? reject(e) : resolve()))))).then(() => undefined);
}

/** Deterministic bytes (mulberry32). */
function noise(seed: number, n: number): Buffer {
  let a = seed >>> 0;
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (t ^ (t >>> 14)) & 0xff;
  }
  return out;
}

describe('snmp-trap receiver: storms and bad input', function () {
  this.timeout(20_000);
  let rx: TrapRun | undefined;
  const sockets: Socket[] = [];
  const open = async (address: string) => {
    const s = await sender(address);
    sockets.push(s);
    return s;
  };
  afterEach(() => {
    rx?.stop();
    rx = undefined;
    for (const s of sockets.splice(0)) s.close();
  });

  it('drops what one source sends past its token bucket, counts it, warns once, and spares other sources', async () => {
    const mem = memoryLog();
    rx = await startReceiver({ stormLimit: { perSourcePerSecond: 100, burst: 200 } }, mem.log);
    const flood = Array.from({ length: 300 }, (_, i) => encodeV2cTrap({ type: 'linkDown', ifIndex: (i % 48) + 1, requestId: i + 1 }));
    const noisy = await open('127.0.0.1');
    const quiet = await open('127.0.0.2');
    await send(noisy, rx.port, flood);
    await send(quiet, rx.port, [encodeV2cTrap({ type: 'linkUp', ifIndex: 1 })]);
    await rx.waitFor('the quiet source\'s trap', () => rx!.events('linkUp').length === 1);
    expect(rx.events('linkUp')[0].entity).to.equal('port:127.0.0.2/ifIndex-1');
    expect(rx.events('linkDown')).to.have.length(200);
    expect(rx.polls).to.have.length(201);
    // one second later the bucket holds 100 tokens again
    rx.advance(1000);
    await send(noisy, rx.port, flood.slice(0, 150));
    await send(quiet, rx.port, [encodeV2cTrap({ type: 'linkUp', ifIndex: 2 })]);
    await rx.waitFor('the second marker', () => rx!.events('linkUp').length === 2);
    expect(rx.events('linkDown')).to.have.length(300);
    expect(rx.stats()).to.deep.equal({ 'trap.received': 302, 'trap.dropped': 150, 'trap.malformed': 0, 'trap.rejected': 0 });
    const warnings = mem.lines.filter((l) => /storm/.test(String(l.msg)));
    expect(warnings, 'one rate-limited warning').to.have.length(1);
    expect(warnings[0]).to.include({ source: '127.0.0.1' });
  });

  it('counts and drops random, truncated, oversized and non-trap datagrams, then still receives', async () => {
    const mem = memoryLog();
    rx = await startReceiver({ communities: ['s3cret-community'] }, mem.log);
    const good = encodeV2cTrap({ community: 's3cret-community', type: 'linkDown', ifIndex: 9, ifName: 'eth9' });
    const random = Array.from({ length: 40 }, (_, i) => noise(i + 1, 1 + ((i * 37) % 300)));
    const truncated = Array.from({ length: good.length - 1 }, (_, n) => good.subarray(0, n + 1));
    const oversized = Buffer.concat([good, Buffer.alloc(20_000, 0x41)]);
    const getRequest = tlv(0x30, [
      encodeInt(1),
      tlv(0x04, Buffer.from('s3cret-community')),
      tlv(0xa0, [encodeInt(7), encodeInt(0), encodeInt(0), tlv(0x30, [encodeVarbind({ oid: '1.3.6.1.2.1.1.3.0', type: 'Null', value: null })])]),
    ]);
    const noTrapOid = encodeV2cTrap({ community: 's3cret-community', type: 'coldStart' });
    // replace snmpTrapOID.0 (…1.4.1.0) by another OID (…1.4.2.0) so the notification lacks it
    const withoutTrapOid = Buffer.from(noTrapOid.toString('hex').replace('2b060106030101040100', '2b060106030101040200'), 'hex');
    const bad = [...random, ...truncated, oversized, getRequest, withoutTrapOid];
    const s = await open('127.0.0.1');
    await send(s, rx.port, bad);
    await send(s, rx.port, [good]);
    await rx.waitFor('the good trap after the garbage', () => rx!.events('linkDown').length === 1);
    expect(rx.events('linkDown')[0].entity).to.equal('port:127.0.0.1/eth9');
    const stats = rx.stats();
    expect(stats['trap.received']).to.equal(1);
    expect(stats['trap.dropped']).to.equal(0);
    // a random datagram could parse as a message with a wrong community (rejected); none is accepted
    expect(stats['trap.malformed'] + stats['trap.rejected']).to.equal(bad.length);
    expect(stats['trap.malformed']).to.be.at.least(bad.length - 2);
    expect(rx.errors).to.deep.equal([]);
    const warnings = mem.lines.filter((l) => l.level === 40);
    expect(warnings.length, 'rate-limited: one per kind of problem').to.be.within(1, 2);
    expect(mem.text()).not.to.include('s3cret-community');
  });

  it('a port already taken fails the probe with E_TRAP_LISTEN; unsubscribing frees the port', async () => {
    rx = await startReceiver();
    // startReceiver waits for the port to be bound, which it is (by the first): look at the second's errors
    const second = await startReceiver({ port: rx.port });
    const deadline = Date.now() + 3000;
    while (second.errors.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(second.errors).to.have.length(1);
    expect(isVigieError(second.errors[0], 'E_TRAP_LISTEN'), String(second.errors[0])).to.equal(true);
    second.stop();
    // the first still works
    const s = await open('127.0.0.1');
    await send(s, rx.port, [encodeV2cTrap({ type: 'coldStart' })]);
    await rx.waitFor('a reboot event', () => rx!.events('reboot').length === 1);
    const port = rx.port;
    expect(await canBind(port)).to.equal(false);
    rx.stop();
    rx = undefined;
    await new Promise((r) => setTimeout(r, 20));
    expect(await canBind(port), 'the port is free after unsubscribe').to.equal(true);
  });
});
