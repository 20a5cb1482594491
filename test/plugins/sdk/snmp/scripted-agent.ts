/**
 * A scripted SNMPv2c agent on loopback for engine tests: it answers GET, GETNEXT and GETBULK
 * from a `Recording` (with the simulator's BER codec), and a `policy` decides per request to
 * answer, answer `tooBig`, drop it (the client times out), or loop (answer the request's own
 * OIDs again). It records every request it receives.
 */
import { createSocket, type Socket } from 'node:dgram';
import { decodeRequest, encodeResponse, encodeVarbind, PDU, type SnmpRequest } from '../../../../plugins/simulator/ber.js';
import type { Recording } from '../../../../plugins/sdk/snmp/snmprec.js';
import type { Varbind } from '../../../../plugins/sdk/index.js';

export type Verdict = 'answer' | 'tooBig' | 'drop' | 'loop';

export interface ScriptedAgent {
  port: number;
  requests: SnmpRequest[];
  policy: (req: SnmpRequest) => Verdict;
  close(): Promise<void>;
}

const TOO_BIG = 1;

function answer(rec: Recording, req: SnmpRequest): Buffer[] {
  const next = (oid: string): Varbind => rec.next(oid) ?? { oid, type: 'EndOfMibView', value: null };
  if (req.pduType === PDU.Get) return req.oids.map((oid) => encodeVarbind(rec.get(oid) ?? { oid, type: rec.missingType(oid), value: null }));
  if (req.pduType === PDU.GetNext) return req.oids.map((oid) => encodeVarbind(next(oid)));
  const out: Buffer[] = [];
  const nonRep = Math.min(req.a, req.oids.length);
  for (let i = 0; i < nonRep; i++) out.push(encodeVarbind(next(req.oids[i])));
  const cursors = req.oids.slice(nonRep);
  for (let r = 0; r < req.b && cursors.length > 0; r++) {
    for (let j = 0; j < cursors.length; j++) {
      const vb = next(cursors[j]);
      out.push(encodeVarbind(vb));
      cursors[j] = vb.oid;
    }
  }
  return out;
}

export async function startScriptedAgent(rec: Recording, policy: (req: SnmpRequest) => Verdict = () => 'answer'): Promise<ScriptedAgent> {
  const sock: Socket = createSocket('udp4');
  const agent: ScriptedAgent = {
    port: 0,
    requests: [],
    policy,
    close: () => new Promise<void>((r) => sock.close(() => r())),
  };
  sock.on('message', (msg, rinfo) => {
    let req: SnmpRequest;
    try {
      req = decodeRequest(msg);
    } catch {
      return;
    }
    agent.requests.push(req);
    const verdict = agent.policy(req);
    if (verdict === 'drop') return;
    const vbs =
      verdict === 'tooBig'
        ? []
        : verdict === 'loop'
          ? req.oids.map((oid) => encodeVarbind(rec.get(oid) ?? { oid: '1.3.6.1.2.1.2.2.1.1.1', type: 'Integer', value: 1 }))
          : answer(rec, req);
    sock.send(encodeResponse(req, verdict === 'tooBig' ? TOO_BIG : 0, 0, vbs), rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  agent.port = sock.address().port;
  return agent;
}
