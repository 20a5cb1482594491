/**
 * Port state set while the simulator runs: a cable pulled, a port back. `controllablePorts(rec,
 * live)` wraps a device's live model; `setOper(ifIndex, oper, elapsedMs)` changes what the
 * device answers from then on, the way a real agent does when a link drops:
 * - ifOperStatus.<ifIndex> reads down(2) or up(1);
 * - ifLastChange.<ifIndex> reads the device's sysUpTime at the change;
 * - while a port is down its interface counters (every Counter32/Counter64 of ifEntry and
 *   ifXEntry for that ifIndex) stand still, and they go on from there once it is up again (the
 *   time spent down is left out of the traffic). A port whose recording says down carries no
 *   traffic even when set up (the live model gives it no traffic profile).
 * Setting the state a port already serves (up(1) / down(2)) changes nothing. A port the recording has no
 * ifOperStatus for is refused (`E_CONFIG`).
 */
import { VigieError, type Varbind } from '../sdk/index.js';
import type { Recording } from '../sdk/snmp/snmprec.js';
import type { LiveModel } from '../sdk/testkit/live.js';

export type PortOper = 'up' | 'down';

const SYS_UPTIME = '1.3.6.1.2.1.1.3.0';
const IF_ENTRY = '1.3.6.1.2.1.2.2.1.';
const IFX_ENTRY = '1.3.6.1.2.1.31.1.1.1.';
const IF_OPER_STATUS = 8;
const IF_LAST_CHANGE = 9;

/** One port's forced state, and the traffic time it lost while down. */
interface PortOverride {
  oper: PortOper;
  lastChange: number;
  /** Elapsed ms when it went down (while down). */
  downSince?: number;
  /** Ms spent down before `downSince`, left out of its counters. */
  pausedMs: number;
}

export interface ControllablePorts {
  /** The live model to serve: the wrapped one, with the ports' set states. */
  live: LiveModel;
  /** Sets a port's oper status as of `elapsedMs` (ms since the simulator started). */
  setOper(ifIndex: number, oper: PortOper, elapsedMs: number): void;
}

/** `ifIndex` of an ifEntry/ifXEntry instance OID, with its column; undefined for anything else. */
function ifColumn(oid: string): { table: 'if' | 'ifx'; column: number; ifIndex: number } | undefined {
  const prefix = oid.startsWith(IF_ENTRY) ? IF_ENTRY : oid.startsWith(IFX_ENTRY) ? IFX_ENTRY : undefined;
  if (!prefix) return undefined;
  const m = /^(\d+)\.(\d+)$/.exec(oid.slice(prefix.length));
  return m ? { table: prefix === IF_ENTRY ? 'if' : 'ifx', column: Number(m[1]), ifIndex: Number(m[2]) } : undefined;
}

export function controllablePorts(rec: Recording, base: LiveModel): ControllablePorts {
  const overrides = new Map<number, PortOverride>();
  const uptime = rec.get(SYS_UPTIME);
  const uptimeAt = (elapsedMs: number): number => {
    const v = uptime ? base.valueOf(uptime, elapsedMs).value : undefined;
    return typeof v === 'number' ? v : Math.floor(Math.max(0, elapsedMs) / 10);
  };
  /** The elapsed time a port's counters follow: the real one minus the time it spent down. */
  const trafficTime = (o: PortOverride, elapsedMs: number): number =>
    (o.downSince !== undefined ? Math.min(elapsedMs, o.downSince) : elapsedMs) - o.pausedMs;

  const live: LiveModel = {
    profile: base.profile,
    valueOf(vb: Varbind, elapsedMs: number): Varbind {
      const col = overrides.size > 0 ? ifColumn(vb.oid) : undefined;
      const o = col && overrides.get(col.ifIndex);
      if (!col || !o) return base.valueOf(vb, elapsedMs);
      if (col.table === 'if' && col.column === IF_OPER_STATUS) return { ...vb, value: o.oper === 'up' ? 1 : 2 };
      if (col.table === 'if' && col.column === IF_LAST_CHANGE) return { ...vb, value: o.lastChange };
      if (vb.type === 'Counter32' || vb.type === 'Counter64') return base.valueOf(vb, trafficTime(o, elapsedMs));
      return base.valueOf(vb, elapsedMs);
    },
  };

  return {
    live,
    setOper(ifIndex, oper, elapsedMs) {
      const recorded = rec.get(`${IF_ENTRY}${IF_OPER_STATUS}.${ifIndex}`);
      if (!recorded) throw new VigieError('E_CONFIG', `simulator: ${rec.name} has no port with ifIndex ${ifIndex}`);
      const served = overrides.get(ifIndex)?.oper ?? (recorded.value === 1 ? 'up' : recorded.value === 2 ? 'down' : undefined);
      if (served === oper) return;
      const o: PortOverride = overrides.get(ifIndex) ?? { oper, lastChange: 0, pausedMs: 0 };
      if (oper === 'down') o.downSince = elapsedMs;
      else if (o.downSince !== undefined) {
        o.pausedMs += Math.max(0, elapsedMs - o.downSince);
        o.downSince = undefined;
      }
      o.oper = oper;
      o.lastChange = uptimeAt(elapsedMs);
      overrides.set(ifIndex, o);
    },
  };
}
