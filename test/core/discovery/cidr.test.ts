import { expect } from 'chai';
import { isVigieError } from '../../../plugins/sdk/index.js';
import { AllowList, cidrContains, formatCidr, formatIp, normaliseIp, parseCidr, parseIp } from '../../../core/discovery/cidr.js';

describe('discovery: IP addresses and CIDR allow-lists', () => {
  describe('parseIp / formatIp', () => {
    it('reads IPv4 and rejects malformed quads', () => {
      expect(parseIp('198.18.0.1')).to.deep.equal({ family: 4, value: (198n << 24n) | (18n << 16n) | 1n });
      for (const bad of ['198.18.0', '198.18.0.256', '198.18.0.1.2', '198.18.0.-1', 'a.b.c.d', '', 'sw-01', '1e2.0.0.1']) {
        expect(parseIp(bad), bad).to.equal(undefined);
      }
    });

    it('reads IPv6 in every notation and prints it the RFC 5952 way', () => {
      const cases: [string, string][] = [
        ['2001:db8::1', '2001:db8::1'],
        ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
        ['::1', '::1'],
        ['::', '::'],
        ['fe80::1%eth0', 'fe80::1'],
        ['[2001:db8::2]', '2001:db8::2'],
        ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
        ['2001:db8::0.0.2.1', '2001:db8::201'],
        ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
      ];
      for (const [input, canonical] of cases) expect(normaliseIp(input), input).to.equal(canonical);
      for (const bad of ['2001:db8:::1', '1:2:3:4:5:6:7:8:9', '2001:db8::g', '12345::1', '1::2::3']) expect(parseIp(bad), bad).to.equal(undefined);
    });

    it('reads an IPv4-mapped IPv6 address as the IPv4 address it carries', () => {
      expect(parseIp('::ffff:198.18.3.4')).to.deep.equal(parseIp('198.18.3.4'));
      expect(parseIp('::ffff:c612:304')).to.deep.equal(parseIp('198.18.3.4'));
      expect(formatIp(parseIp('::ffff:198.18.3.4')!)).to.equal('198.18.3.4');
    });
  });

  describe('parseCidr', () => {
    it('clears host bits, accepts bare addresses as /32 and /128', () => {
      expect(formatCidr(parseCidr('198.18.7.9/15'))).to.equal('198.18.0.0/15');
      expect(formatCidr(parseCidr('198.18.7.9'))).to.equal('198.18.7.9/32');
      expect(formatCidr(parseCidr('2001:db8:1:2::5/32'))).to.equal('2001:db8::/32');
      expect(formatCidr(parseCidr('2001:db8::5'))).to.equal('2001:db8::5/128');
      expect(formatCidr(parseCidr('0.0.0.0/0'))).to.equal('0.0.0.0/0');
      expect(formatCidr(parseCidr('::ffff:198.18.0.0/111'))).to.equal('198.18.0.0/15');
    });

    it('refuses malformed blocks with E_DISCOVERY naming the text', () => {
      for (const bad of ['198.18.0.0/33', '2001:db8::/129', '198.18.0.0/', 'lan', '198.18.0.0/15/2', '198.18.0.0/-1', '']) {
        let caught: unknown;
        try {
          parseCidr(bad);
        } catch (e) {
          caught = e;
        }
        expect(isVigieError(caught, 'E_DISCOVERY'), bad).to.equal(true);
        expect((caught as Error).message).to.include(`"${bad}"`);
      }
    });
  });

  describe('AllowList', () => {
    it('contains exactly the addresses of its blocks, per family', () => {
      const allow = new AllowList(['198.18.0.0/15', '2001:db8:100::/48', '192.0.2.7']);
      const inside = ['198.18.0.0', '198.19.255.255', '2001:db8:100::1', '2001:db8:100:ffff:ffff:ffff:ffff:ffff', '192.0.2.7', '::ffff:198.18.1.1'];
      const outside = ['198.17.255.255', '198.20.0.0', '2001:db8:101::1', '192.0.2.8', '203.0.113.9', '::198.18.0.1', 'sw-01.example', '', '198.18.0'];
      for (const a of inside) expect(allow.contains(a), a).to.equal(true);
      for (const a of outside) expect(allow.contains(a), a).to.equal(false);
    });

    it('an empty list contains nothing; /0 contains its whole family only', () => {
      expect(new AllowList([]).contains('198.18.0.1')).to.equal(false);
      const any4 = new AllowList(['0.0.0.0/0']);
      expect(any4.contains('203.0.113.9')).to.equal(true);
      expect(any4.contains('2001:db8::1')).to.equal(false);
    });

    it('agrees with a brute-force check around prefix boundaries', () => {
      for (const prefix of [0, 1, 7, 8, 9, 15, 16, 23, 24, 31, 32]) {
        const block = parseCidr(`198.18.128.77/${prefix}`);
        for (const probe of ['198.18.128.77', '198.18.128.76', '198.18.129.0', '198.19.0.0', '198.16.0.0', '0.0.0.0', '255.255.255.255']) {
          const ip = parseIp(probe)!;
          const shift = BigInt(32 - prefix);
          const want = prefix === 0 || ip.value >> shift === parseIp('198.18.128.77')!.value >> shift;
          expect(cidrContains(block, ip), `${probe} in /${prefix}`).to.equal(want);
        }
      }
    });
  });
});
