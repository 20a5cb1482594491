/**
 * One simulated SNMP v1/v2c agent: a UDP socket on a loopback address answering GET, GETNEXT
 * and GETBULK from a `Recording` made live (`LiveModel`: sysUpTime and traffic counters advance).
 * SET is refused (notWritable / v1 noSuchName). A wrong community, SNMPv3, a malformed packet
 * or a device set down get no answer at all, like a real agent.
 *
 * Why not net-snmp's `Agent`: measured on this machine with the real `snmpbulkwalk -Cr25` over
 * one 3-column table provider, a full walk took 73 ms for 100 rows, 306 ms for 500, 2.8 s for
 * 2000 and 16 s for 5000 rows (it walks its MIB tree from the root for every GETNEXT step), and
 * loading an arbitrary recording needs a provider per object. This responder answers by binary
 * search over the sorted recording: the 10,842-record ios_2960x recording is walked whole by
 * `snmpbulkwalk -Cr50` in about 0.25 s once warm (~1 ms of agent CPU per 50-varbind GETBULK).
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import { VigieError, type Varbind } from '../sdk/index.js';
import type { Recording } from '../sdk/snmp/snmprec.js';
import type { LiveModel } from '../sdk/testkit/live.js';
import { BerError, decodeRequest, encodeResponse, encodeVarbind, PDU, type SnmpRequest } from './ber.js';

/** Largest response we send; GETBULK answers are cut to fit, other oversized answers are tooBig. */
const MAX_RESPONSE_BYTES = 60_000;
const ERR = { tooBig: 1, noSuchName: 2, notWritable: 17 } as const;

export interface AgentOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  community: string;
  recording: Recording;
  live: LiveModel;
  /** Epoch ms of the clock the live values follow, and the time they start from. */
  now: () => number;
  startedAt: number;
  log: Logger;
}

export interface RunningAgent {
  /** The bound port. */
  port: number;
  down: boolean;
  /** Requests answered so far. */
  answered: number;
  close(): Promise<void>;
}

/** True for 127.0.0.0/8 and ::1 (the only addresses the simulator may bind or answer). */
export function isLoopback(address: string): boolean {
  if (isIP(address) === 4) return address.startsWith('127.');
  const a = address.toLowerCase();
  return a === '::1' || a === '0:0:0:0:0:0:0:1' || (a.startsWith('::ffff:127.') && isIP(a.slice(7)) === 4);
}

export function startAgent(opts: AgentOptions): Promise<RunningAgent> {
  if (!isLoopback(opts.host)) {
    return Promise.reject(new VigieError('E_CONFIG', `simulator: ${opts.host} is not a loopback address`, { host: opts.host }));
  }
  const socket: Socket = createSocket({ type: isIP(opts.host) === 6 ? 'udp6' : 'udp4' });
  const community = Buffer.from(opts.community);
  const agent: RunningAgent = { port: 0, down: false, answered: 0, close: () => closeSocket(socket) };
  const respond = (req: SnmpRequest): Buffer | undefined => answer(req, opts);

  socket.on('message', (msg, rinfo) => {
    if (agent.down || !isLoopback(rinfo.address)) return;
    let req: SnmpRequest;
    try {
      req = decodeRequest(msg);
    } catch (err) {
      if (err instanceof BerError) opts.log.debug({ from: rinfo.port, why: err.message }, 'simulator: dropped an undecodable packet');
      return;
    }
    if (!req.community.equals(community)) return opts.log.debug({ from: rinfo.port }, 'simulator: dropped a request with a wrong community');
    const out = respond(req);
    if (!out) return;
    agent.answered++;
    socket.send(out, rinfo.port, rinfo.address);
  });

  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      socket.close();
      const why = err.code === 'EADDRINUSE' ? 'is already in use' : `cannot be bound (${err.message})`;
      reject(new VigieError('E_SIMULATOR', `simulator: UDP ${opts.host}:${opts.port} ${why}`, { host: opts.host, port: opts.port }, { cause: err }));
    };
    socket.once('error', onError);
    socket.bind(opts.port, opts.host, () => {
      socket.off('error', onError);
      socket.on('error', (err) => opts.log.warn({ err: err.message, port: agent.port }, 'simulator: socket error'));
      agent.port = socket.address().port;
      resolve(agent);
    });
  });
}

function closeSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // already closed
    }
  });
}

/** The encoded response to a request, or undefined when the request gets no answer. */
function answer(req: SnmpRequest, opts: AgentOptions): Buffer | undefined {
  const elapsed = opts.now() - opts.startedAt;
  const { recording: rec, live } = opts;
  const v1 = req.version === 0;
  const read = (vb: Varbind) => live.valueOf(vb, elapsed);
  /** GETNEXT: the next record (v1 cannot carry Counter64, so skips it), or undefined at the end. */
  const next = (oid: string): Varbind | undefined => {
    let i = rec.lowerBound(oid, true);
    while (v1 && i < rec.size && rec.records[i].type === 'Counter64') i++;
    return i < rec.size ? read(rec.records[i]) : undefined;
  };
  const nulls = () => req.oids.map((oid) => encodeVarbind({ oid, type: 'Null', value: null }));
  const v1Error = (index: number) => encodeResponse(req, ERR.noSuchName, index + 1, nulls());
  const fit = (vbs: Buffer[]) => {
    const res = encodeResponse(req, 0, 0, vbs);
    return res.length <= MAX_RESPONSE_BYTES ? res : encodeResponse(req, ERR.tooBig, 0, []);
  };

  switch (req.pduType) {
    case PDU.Get: {
      const out: Buffer[] = [];
      for (let i = 0; i < req.oids.length; i++) {
        const oid = req.oids[i];
        const vb = rec.get(oid);
        if (v1 && (!vb || vb.type === 'Counter64')) return v1Error(i);
        out.push(encodeVarbind(vb ? read(vb) : { oid, type: rec.missingType(oid), value: null }));
      }
      return fit(out);
    }
    case PDU.GetNext: {
      const out: Buffer[] = [];
      for (let i = 0; i < req.oids.length; i++) {
        const vb = next(req.oids[i]);
        if (!vb && v1) return v1Error(i);
        out.push(encodeVarbind(vb ?? { oid: req.oids[i], type: 'EndOfMibView', value: null }));
      }
      return fit(out);
    }
    case PDU.GetBulk:
      return v1 ? undefined : bulk(req, next);
    case PDU.Set:
      return encodeResponse(req, v1 ? ERR.noSuchName : ERR.notWritable, 1, nulls());
    default:
      return undefined;
  }
}

/** GETBULK (RFC 3416 §4.2.3), cut short when every repeater reached the end or the message is full. */
function bulk(req: SnmpRequest, next: (oid: string) => Varbind | undefined): Buffer {
  const nonRep = Math.max(0, Math.min(req.a, req.oids.length));
  const maxRep = Math.max(0, req.b);
  const out: Buffer[] = [];
  let size = 64 + req.community.length;
  const push = (vb: Varbind): boolean => {
    const enc = encodeVarbind(vb);
    if (size + enc.length > MAX_RESPONSE_BYTES) return false;
    size += enc.length;
    out.push(enc);
    return true;
  };
  const step = (oid: string): Varbind => next(oid) ?? { oid, type: 'EndOfMibView', value: null };
  for (let i = 0; i < nonRep; i++) {
    if (!push(step(req.oids[i]))) return encodeResponse(req, ERR.tooBig, 0, []);
  }
  const last = req.oids.slice(nonRep);
  for (let r = 0; r < maxRep && last.length > 0; r++) {
    let ended = 0;
    for (let j = 0; j < last.length; j++) {
      const vb = step(last[j]);
      if (!push(vb)) return encodeResponse(req, 0, 0, out);
      if (vb.type === 'EndOfMibView') ended++;
      last[j] = vb.oid;
    }
    if (ended === last.length) break;
  }
  return encodeResponse(req, 0, 0, out);
}
