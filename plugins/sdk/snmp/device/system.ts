/**
 * The system group of a device (SNMPv2-MIB) plus its LLDP local chassis id, read with one GET,
 * and the uptime tracking every SNMP kind needs to tell a reboot from the 497-day wrap.
 *
 * - `SYSTEM_GROUP_OIDS`: the system group alone (sysDescr, sysObjectID, sysName, sysUpTime,
 *   sysLocation, sysContact), for kinds that read nothing else (`snmp-system`);
 * - `SYSTEM_OIDS`: what the switch poller asks, in order (`SYSTEM_GROUP_OIDS`, then
 *   lldpLocChassisIdSubtype, lldpLocChassisId).
 * - `parseSystem(vbs)`: the answer as `SystemInfo` (missing or wrongly typed objects are left
 *   empty; the chassis id formatted by `formatChassisId`).
 * - `UptimeTracker.update(ticks, at)`: the first sample is never a reboot; ticks below the
 *   previous sample are a wrap (2^32 hundredths) when the step across the wrap fits the time
 *   elapsed (at most twice it plus 60 s), else a reboot; `uptimeS` counts the wraps since the
 *   last reboot so it keeps growing.
 * - `rebootEvent(entity, name, update, at)`: the `reboot` event (warning) for an update that says
 *   `rebooted`, naming the uptime before and after.
 */
import type { EntityId, Observation } from '../../observation.js';
import type { Varbind } from '../types.js';
import { vbMissing } from '../types.js';
import { formatChassisId } from './identity.js';
import { LLDP_MIB, SNMPv2_MIB_SYSTEM } from './mibs.js';
import { bytes, num, text } from './table.js';

export const SYSTEM_GROUP_OIDS: readonly string[] = [
  SNMPv2_MIB_SYSTEM.sysDescr,
  SNMPv2_MIB_SYSTEM.sysObjectID,
  SNMPv2_MIB_SYSTEM.sysName,
  SNMPv2_MIB_SYSTEM.sysUpTime,
  SNMPv2_MIB_SYSTEM.sysLocation,
  SNMPv2_MIB_SYSTEM.sysContact,
];

export const SYSTEM_OIDS: readonly string[] = [
  ...SYSTEM_GROUP_OIDS,
  LLDP_MIB.lldpLocChassisIdSubtype,
  LLDP_MIB.lldpLocChassisId,
];

export interface SystemInfo {
  sysDescr: string;
  sysObjectID: string;
  sysName: string;
  sysLocation: string;
  sysContact: string;
  /** Hundredths of a second, when the agent gave it. */
  sysUpTime?: number;
  /** LLDP local chassis id, formatted, when the agent serves LLDP-MIB. */
  chassisId?: string;
  chassisIdSubtype?: number;
}

export function parseSystem(vbs: readonly Varbind[]): SystemInfo {
  const byOid = new Map(vbs.map((vb) => [vb.oid.replace(/^\./, ''), vb]));
  const str = (oid: string): string => {
    const vb = byOid.get(oid);
    return vbMissing(vb) ? '' : (text(vb) ?? '');
  };
  const upVb = byOid.get(SNMPv2_MIB_SYSTEM.sysUpTime);
  const subtype = num(byOid.get(LLDP_MIB.lldpLocChassisIdSubtype));
  const chassisVb = byOid.get(LLDP_MIB.lldpLocChassisId);
  const chassisId = vbMissing(chassisVb) ? undefined : formatChassisId(subtype, bytes(chassisVb) ?? text(chassisVb));
  const info: SystemInfo = {
    sysDescr: str(SNMPv2_MIB_SYSTEM.sysDescr),
    sysObjectID: str(SNMPv2_MIB_SYSTEM.sysObjectID).replace(/^\./, ''),
    sysName: str(SNMPv2_MIB_SYSTEM.sysName),
    sysLocation: str(SNMPv2_MIB_SYSTEM.sysLocation),
    sysContact: str(SNMPv2_MIB_SYSTEM.sysContact),
  };
  const up = vbMissing(upVb) ? undefined : num(upVb);
  if (up !== undefined) info.sysUpTime = up;
  if (chassisId) {
    info.chassisId = chassisId;
    if (subtype !== undefined) info.chassisIdSubtype = subtype;
  }
  return info;
}

export const TIMETICKS_MODULUS = 2 ** 32;
const WRAP_SLACK_TICKS = 6000;

export interface UptimeUpdate {
  uptimeS: number;
  rebooted: boolean;
  previousS?: number;
}

export class UptimeTracker {
  private prev?: { ticks: number; at: number; uptimeS: number };
  private wraps = 0;

  update(ticks: number, at: number): UptimeUpdate {
    const p = this.prev;
    let rebooted = false;
    if (p && ticks < p.ticks) {
      const elapsedTicks = Math.max(0, (at - p.at) / 10);
      const acrossWrap = TIMETICKS_MODULUS - p.ticks + ticks;
      if (acrossWrap <= 2 * elapsedTicks + WRAP_SLACK_TICKS) this.wraps++;
      else {
        rebooted = true;
        this.wraps = 0;
      }
    }
    const uptimeS = (this.wraps * TIMETICKS_MODULUS + ticks) / 100;
    this.prev = { ticks, at, uptimeS };
    return p ? { uptimeS, rebooted, previousS: p.uptimeS } : { uptimeS, rebooted };
  }
}

/** `3d 4h 5m 6s`. */
export function formatUptime(s: number): string {
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${d}d ${h}h ${m}m ${Math.floor(s % 60)}s`;
}

/** The `reboot` event for an uptime update that says `rebooted` (`name`: what the node is called). */
export function rebootEvent(entity: EntityId, name: string, u: UptimeUpdate, at: number): Observation {
  return {
    kind: 'event',
    at,
    entity,
    type: 'reboot',
    severity: 'warning',
    message: `${name} restarted: sysUpTime went back from ${formatUptime(u.previousS ?? 0)} to ${formatUptime(u.uptimeS)}`,
    data: { previousUptimeS: u.previousS, uptimeS: u.uptimeS },
  };
}
