/**
 * Real and corner-case SIP messages shared by the scan tests (envelope.test.ts,
 * response-keys.test.ts): captured from Kamailio (HEP fixtures), built by the engine, and the
 * RFC 3261 §7.3 corner cases (folding, compact names, lists, case).
 */
import { readFileSync } from 'node:fs';
import { decodeHep3 } from '../../../../probes/sip/hep/decode.js';
import { buildRequest } from '../../../../probes/sip/engine/message.js';

const fixture = (name: string): string => {
  const r = decodeHep3(readFileSync(new URL(`../hep/fixtures/${name}`, import.meta.url)));
  if (!r.ok) throw r.error;
  return Buffer.from(r.packet.payload ?? []).toString('utf8');
};

export const CORPUS: Record<string, string> = {
  'kamailio options (sipsak, addr-spec From/To)': fixture('kamailio-options-ipv4.hep'),
  'kamailio 200 ok': fixture('kamailio-200ok-ipv4-authkey.hep'),
  'kamailio options ipv6': fixture('kamailio-options-ipv6-authkey.hep'),
  'engine request': buildRequest({ method: 'OPTIONS', requestUri: 'sip:t1@127.0.0.1:5060' }, { host: '127.0.0.1', port: 5070 }).text,
  // (two Via lines here: for a comma list in one Via line sip.js 0.21 keeps the branch of the
  // *last* entry, where RFC 3261 §8.1.3.3 means the first; the list case is tested below)
  'invite with sdp, two Via, compact names': [
    'INVITE sip:+33123456789@127.0.0.1:5080;user=phone SIP/2.0',
    'v: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKtop;rport',
    'Via: SIP/2.0/UDP 127.0.0.2:5062;branch=z9hG4bKlow',
    'f: "Alice, A." <sip:alice@127.0.0.1>;tag=fa1',
    't: <sip:+33123456789@127.0.0.1:5080;user=phone>',
    'i: inv-1@127.0.0.1',
    'CSeq: 314159 INVITE',
    'm: <sip:alice@127.0.0.1:5060>',
    'c: application/sdp',
    'l: 57',
    '',
    'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nEXTRA',
  ].join('\r\n'),
  'folded headers, odd case, 180 with to-tag': [
    'SIP/2.0 180 Ringing',
    'VIA: SIP/2.0/UDP 127.0.0.1:5060',
    '  ;branch=z9hG4bKfold;received=127.0.0.1',
    'From: <sip:alice@127.0.0.1>',
    '\t;tag=ff',
    'to: <sip:bob@127.0.0.1>;tag=tt',
    'call-ID: fold-1',
    'cseq: 7 invite',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n'),
};
