import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { deflateSync, gzipSync } from 'node:zlib';
import { isVigieError } from '../../../../plugins/sdk/index.js';
import { decodeHep3, HEP_IP_FAMILY, HEP_PROTOCOL_TYPE, type HepDecodeResult, type HepPacket } from '../../../../probes/sip/hep/decode.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

/** Auth key configured in the Kamailio run that produced the "-authkey" fixtures (see fixtures/README.md). */
const FIXTURE_AUTH_KEY = 'vigie-fixture-key';

/** Test-side HEP3 encoder, written from the spec independently of the decoder. */
type Chunk = { type: number; value: Buffer; vendor?: number };
const u8 = (type: number, n: number): Chunk => ({ type, value: Buffer.from([n]) });
const u16 = (type: number, n: number): Chunk => { const b = Buffer.alloc(2); b.writeUInt16BE(n); return { type, value: b }; };
const u32 = (type: number, n: number): Chunk => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return { type, value: b }; };
const str = (type: number, s: string): Chunk => ({ type, value: Buffer.from(s, 'utf8') });
function encode(chunks: Chunk[]): Buffer {
  const parts = chunks.map((c) => {
    const head = Buffer.alloc(6);
    head.writeUInt16BE(c.vendor ?? 0, 0);
    head.writeUInt16BE(c.type, 2);
    head.writeUInt16BE(6 + c.value.length, 4);
    return Buffer.concat([head, c.value]);
  });
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(6);
  head.write('HEP3', 0, 'latin1');
  head.writeUInt16BE(6 + body.length, 4);
  return Buffer.concat([head, body]);
}

const SIP_INVITE = 'INVITE sip:100@example.test SIP/2.0\r\nCall-ID: abc@vigie\r\nContent-Length: 0\r\n\r\n';
const baseChunks = (): Chunk[] => [
  u8(1, 2), u8(2, 17),
  { type: 3, value: Buffer.from([10, 1, 2, 3]) }, { type: 4, value: Buffer.from([192, 0, 2, 9]) },
  u16(7, 5060), u16(8, 5070), u32(9, 1_700_000_000), u32(10, 123_456), u8(11, 1), u32(12, 42),
];

function ok(r: HepDecodeResult): HepPacket {
  if (!r.ok) throw new Error(`expected a packet, got ${r.error.code}: ${r.error.message} ${JSON.stringify(r.error.details)}`);
  return r.packet;
}
function reason(r: HepDecodeResult): unknown {
  expect(r.ok, 'expected a rejection').to.equal(false);
  if (r.ok) return undefined;
  expect(isVigieError(r.error, 'E_HEP_DECODE')).to.equal(true);
  return r.error.details?.reason;
}
/** The port of the top Via's `rport=` (replies) or sent-by (requests), read from the SIP text. */
function viaPort(sip: string, param: 'rport' | 'sent-by'): number {
  const via = /^Via:\s*SIP\/2\.0\/UDP\s+(\[[^\]]+\]|[^:;\s]+):(\d+)([^\r\n]*)/m.exec(sip);
  expect(via, 'a Via header').to.not.equal(null);
  if (param === 'sent-by') return Number(via![2]);
  return Number(/;rport=(\d+)/.exec(via![3])![1]);
}

describe('HEPv3 decoder', () => {
  describe('packets captured from Kamailio siptrace', () => {
    it('decodes an IPv4 OPTIONS request (no auth key)', () => {
      const p = ok(decodeHep3(fixture('kamailio-options-ipv4.hep')));
      expect(p.ipFamily).to.equal(HEP_IP_FAMILY.IPV4);
      expect(p.ipProtocol).to.equal(17);
      expect(p.srcAddress).to.equal('127.0.0.1');
      expect(p.dstAddress).to.equal('127.0.0.1');
      expect(p.dstPort).to.equal(35060); // Kamailio's listen port in the capture config
      expect(p.srcPort).to.be.within(1024, 65535);
      expect(p.protocolType).to.equal(HEP_PROTOCOL_TYPE.SIP);
      expect(p.captureId).to.equal(2001); // hep_capture_id in the capture config
      expect(p.authKeyPresent).to.equal(false);
      expect(p.compressed).to.equal(false);
      const sip = p.payload!.toString('utf8');
      expect(sip.startsWith('OPTIONS ')).to.equal(true);
      expect(sip).to.match(/\r\n\r\n$/);
      // Captured on 2026-11-24: the timestamp must land on that day.
      expect(new Date(p.timeMs!).toISOString().slice(0, 10)).to.equal('2026-11-24');
      expect(p.timeMs! % 1000).to.equal(Math.floor(p.timeUsec! / 1000));
    });

    it('decodes an IPv6 OPTIONS request carrying an auth key; the source port matches the Via', () => {
      const r = decodeHep3(fixture('kamailio-options-ipv6-authkey.hep'), { authKey: FIXTURE_AUTH_KEY });
      const p = ok(r);
      expect(p.ipFamily).to.equal(HEP_IP_FAMILY.IPV6);
      expect(p.srcAddress).to.equal('::1');
      expect(p.dstAddress).to.equal('::1');
      expect(p.dstPort).to.equal(35060);
      expect(p.protocolType).to.equal(HEP_PROTOCOL_TYPE.SIP);
      expect(p.authKeyPresent).to.equal(true);
      const sip = p.payload!.toString('utf8');
      expect(sip.startsWith('OPTIONS sip:ping@[::1]:35060 SIP/2.0')).to.equal(true);
      expect(p.srcPort).to.equal(viaPort(sip, 'sent-by')); // the test client put its real port in its Via
      expect(JSON.stringify(p)).to.not.contain(FIXTURE_AUTH_KEY);
    });

    it('decodes an IPv4 200 OK reply; its destination port is the rport Kamailio wrote', () => {
      const p = ok(decodeHep3(fixture('kamailio-200ok-ipv4-authkey.hep'), { authKey: Buffer.from(FIXTURE_AUTH_KEY) }));
      expect(p.srcAddress).to.equal('127.0.0.1');
      expect(p.srcPort).to.equal(35060);
      const sip = p.payload!.toString('utf8');
      expect(sip.startsWith('SIP/2.0 200 OK')).to.equal(true);
      expect(p.dstPort).to.equal(viaPort(sip, 'rport'));
    });

    it('rejects a captured packet whose auth key differs from the configured one', () => {
      const r = decodeHep3(fixture('kamailio-options-ipv6-authkey.hep'), { authKey: 'not-the-key' });
      expect(reason(r)).to.equal('auth-key');
      if (!r.ok) {
        expect(r.error.details?.present).to.equal(true);
        expect(r.error.message + JSON.stringify(r.error.details)).to.not.contain(FIXTURE_AUTH_KEY);
      }
    });

    it('rejects a packet without an auth key when one is required', () => {
      const r = decodeHep3(fixture('kamailio-options-ipv4.hep'), { authKey: FIXTURE_AUTH_KEY });
      expect(reason(r)).to.equal('auth-key');
      if (!r.ok) expect(r.error.details?.present).to.equal(false);
    });
  });

  describe('built packets', () => {
    it('decodes every generic chunk and skips vendor chunks', () => {
      const ipv6 = Buffer.from('20010db8000000000001000000000002', 'hex');
      const buf = encode([
        u8(1, 10), u8(2, 17), { type: 5, value: ipv6 }, { type: 6, value: Buffer.alloc(16) },
        u16(7, 5060), u16(8, 40000), u32(9, 1_700_000_000), u32(10, 999_999), u8(11, 5), u32(12, 0xfffffffe),
        u16(13, 30), str(17, 'call-1@host\0'), u16(18, 100), str(19, 'edge-1'),
        { type: 15, value: Buffer.from([0x81, 0xc8, 0, 6]) },
        { vendor: 0x0021, type: 1, value: Buffer.from('vendor data') }, { type: 0x7f, value: Buffer.from([1, 2]) },
      ]);
      const p = ok(decodeHep3(buf));
      expect(p).to.deep.include({
        ipFamily: 10, ipProtocol: 17, srcAddress: '2001:db8::1:0:0:2', dstAddress: '::', srcPort: 5060, dstPort: 40000,
        timeSec: 1_700_000_000, timeUsec: 999_999, timeMs: 1_700_000_000_999, protocolType: HEP_PROTOCOL_TYPE.RTCP,
        captureId: 0xfffffffe, keepAliveSec: 30, correlationId: 'call-1@host', vlan: 100, nodeName: 'edge-1', skippedChunks: 2,
      });
      expect([...p.payload!]).to.deep.equal([0x81, 0xc8, 0, 6]);
    });

    for (const [name, compress] of [['zlib', deflateSync], ['gzip', gzipSync]] as const) {
      it(`inflates a ${name}-compressed payload (chunk 16)`, () => {
        const p = ok(decodeHep3(encode([...baseChunks(), { type: 16, value: compress(Buffer.from(SIP_INVITE)) }])));
        expect(p.compressed).to.equal(true);
        expect(p.payload!.toString('utf8')).to.equal(SIP_INVITE);
      });
    }

    it('bounds inflation: a zip bomb beyond maxPayload is rejected, not expanded', () => {
      const bomb = gzipSync(Buffer.alloc(5 * 1024 * 1024));
      expect(bomb.length).to.be.below(65_000);
      const r = decodeHep3(encode([...baseChunks(), { type: 16, value: bomb }]), { maxPayload: 64 * 1024 });
      expect(reason(r)).to.equal('payload-too-large');
    });

    it('rejects an uncompressed payload beyond maxPayload and garbage in chunk 16', () => {
      expect(reason(decodeHep3(encode([...baseChunks(), str(15, SIP_INVITE)]), { maxPayload: 10 }))).to.equal('payload-too-large');
      expect(reason(decodeHep3(encode([...baseChunks(), str(16, 'not compressed at all')])))).to.equal('inflate');
    });

    it('accepts a matching auth key and rejects a wrong one', () => {
      const buf = encode([...baseChunks(), str(14, 's3cret'), str(15, SIP_INVITE)]);
      expect(ok(decodeHep3(buf, { authKey: 's3cret' })).authKeyPresent).to.equal(true);
      expect(reason(decodeHep3(buf, { authKey: 's3creT' }))).to.equal('auth-key');
      expect(ok(decodeHep3(buf)).payload!.toString()).to.equal(SIP_INVITE);
    });

    it('names each structural error', () => {
      const good = encode([...baseChunks(), str(15, SIP_INVITE)]);
      expect(reason(decodeHep3(good.subarray(0, 4)))).to.equal('truncated');
      expect(reason(decodeHep3(good.subarray(0, good.length - 1)))).to.equal('truncated');
      expect(reason(decodeHep3(Buffer.concat([good, Buffer.from([0])])))).to.equal('length-mismatch');
      const badMagic = Buffer.from(good); badMagic.write('HEP2', 0, 'latin1');
      expect(reason(decodeHep3(badMagic))).to.equal('bad-magic');
      const overrun = Buffer.from(good); overrun.writeUInt16BE(0xffff, 6 + 4); // first chunk claims 65535 bytes
      expect(reason(decodeHep3(overrun))).to.equal('chunk-overrun');
      const tooShort = Buffer.from(good); tooShort.writeUInt16BE(3, 6 + 4);
      expect(reason(decodeHep3(tooShort))).to.equal('chunk-overrun');
      const cutHeader = Buffer.concat([good, Buffer.from([0, 0, 0])]); cutHeader.writeUInt16BE(cutHeader.length, 4);
      expect(reason(decodeHep3(cutHeader))).to.equal('chunk-overrun');
      expect(reason(decodeHep3(encode([{ type: 3, value: Buffer.from([127, 0, 0]) }])))).to.equal('chunk-size');
    });
  });

  describe('bad input', () => {
    it('returns only coded errors (never throws) for random, truncated and mutated datagrams', () => {
      let seed = 0x5eed;
      const rand = (): number => { seed = (seed * 1103515245 + 12345) >>> 0; return seed / 2 ** 32; };
      const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));
      const seeds = [
        fixture('kamailio-options-ipv4.hep'), fixture('kamailio-options-ipv6-authkey.hep'),
        encode([...baseChunks(), { type: 16, value: deflateSync(Buffer.from(SIP_INVITE)) }]),
      ];
      const inputs: Buffer[] = [];
      for (let i = 0; i < 150; i++) inputs.push(bytes(Math.floor(rand() * 600)));
      for (let i = 0; i < 150; i++) {
        const withMagic = bytes(6 + Math.floor(rand() * 300)); withMagic.write('HEP3', 0, 'latin1');
        if (rand() < 0.7) withMagic.writeUInt16BE(withMagic.length, 4);
        inputs.push(withMagic);
      }
      for (const s of seeds) {
        for (let cut = 0; cut < s.length; cut += 7) inputs.push(s.subarray(0, cut));
        for (let i = 0; i < 60; i++) {
          const m = Buffer.from(s);
          for (let k = 0; k < 1 + Math.floor(rand() * 4); k++) m[6 + Math.floor(rand() * (m.length - 6))] = Math.floor(rand() * 256);
          inputs.push(m);
        }
      }
      expect(inputs.length).to.be.above(500);
      let rejected = 0;
      for (const input of inputs) {
        let r: HepDecodeResult | undefined;
        expect(() => { r = decodeHep3(input, { authKey: rand() < 0.2 ? 'k' : undefined, maxPayload: 4096 }); }).to.not.throw();
        if (!r!.ok) {
          rejected++;
          expect(isVigieError(r!.error, 'E_HEP_DECODE'), r!.error.message).to.equal(true);
          expect(r!.error.details?.reason).to.be.a('string');
        }
      }
      expect(rejected).to.be.above(inputs.length / 2);
    });
  });
});
