/**
 * The `snmp-system` probe: polls SNMPv2-MIB's system group of one agent.
 *
 * Contract of `snmpSystemProbe(target, ctx)` (a cold observable):
 * - polls at once on subscription, then every `ctx.intervalMs` on `ctx.scheduler`; a poll still
 *   in flight when the next is due is not doubled (the tick is dropped);
 * - a poll that answers emits, in order: a `topology` node (the first time, and whenever its
 *   facts change), `state` `up`, metric `snmp.rtt_ms`, metric `sys.uptime_s` (when sysUpTime is
 *   given) and, when sysUpTime went backwards (not a 2^32 wrap), an `event` `reboot` (warning);
 * - a poll that fails (timeout, SNMP error) emits `state` `down` with the reason, preceded, when
 *   no poll has answered yet, by a placeholder `topology` node; the probe keeps running. Only
 *   programming errors end it through `subscriber.error`;
 * - node id: `nodeId(identity ?? sysName ?? ctx.name)` (an empty or bare-IP sysName is not an
 *   identity). Before the first answer it is `nodeId(identity ?? ctx.name)`; the id of the first
 *   answer is then kept for the life of the subscription, even if sysName changes (a placeholder
 *   with another id is retired with a `gone` topology observation);
 * - unsubscribing stops the timer and abandons the request in flight.
 */
import {
  Observable,
  catchError,
  concatMap,
  defer,
  exhaustMap,
  from,
  map,
  of,
  throwError,
  timer,
} from 'rxjs';
import {
  SNMPv2_MIB,
  isVigieError,
  nodeId,
  vbMissing,
  vbNumber,
  vbString,
  type EntityId,
  type NodeFacts,
  type Observation,
  type ProbeContext,
  type Varbind,
} from '../../plugins/sdk/index.js';
import { classifyNode } from './classify.js';
import { snmpTargetOf, type SnmpSystemTarget } from './schema.js';
import { UptimeTracker } from './uptime.js';

/** The OIDs of one poll, in the order they are asked. */
export const SYSTEM_OIDS = [
  SNMPv2_MIB.sysDescr,
  SNMPv2_MIB.sysObjectID,
  SNMPv2_MIB.sysName,
  SNMPv2_MIB.sysUpTime,
  SNMPv2_MIB.sysLocation,
  SNMPv2_MIB.sysContact,
] as const;

const BARE_IP = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f]*:[0-9a-f:.]*)$/i;

/** What one answer says about the agent. */
interface SystemGroup {
  sysDescr: string;
  sysObjectID: string;
  sysName: string;
  sysLocation: string;
  sysContact: string;
  /** Hundredths of a second, when the agent gave it. */
  sysUpTime?: number;
}

function readSystemGroup(vbs: Varbind[]): SystemGroup {
  const byOid = new Map(vbs.map((vb) => [vb.oid.replace(/^\./, ''), vb]));
  const text = (oid: string): string => {
    const vb = byOid.get(oid);
    return vbMissing(vb) ? '' : vbString(vb).trim();
  };
  const up = byOid.get(SNMPv2_MIB.sysUpTime);
  return {
    sysDescr: text(SNMPv2_MIB.sysDescr),
    sysObjectID: text(SNMPv2_MIB.sysObjectID).replace(/^\./, ''),
    sysName: text(SNMPv2_MIB.sysName),
    sysLocation: text(SNMPv2_MIB.sysLocation),
    sysContact: text(SNMPv2_MIB.sysContact),
    sysUpTime: vbMissing(up) ? undefined : vbNumber(up),
  };
}

/** sysName when it can serve as an identity (not empty, not a bare address). */
function usableSysName(name: string): string | undefined {
  return name && !BARE_IP.test(name) ? name : undefined;
}

function nodeFacts(name: string, host: string, sys: SystemGroup): NodeFacts {
  const attrs: Record<string, unknown> = {};
  for (const key of ['sysName', 'sysDescr', 'sysObjectID', 'sysLocation', 'sysContact'] as const) {
    if (sys[key]) attrs[key] = sys[key];
  }
  return { name, kind: classifyNode(sys.sysObjectID, sys.sysDescr), address: host, attrs };
}

function formatUptime(s: number): string {
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${d}d ${h}h ${m}m ${Math.floor(s % 60)}s`;
}

export function snmpSystemProbe(target: SnmpSystemTarget, ctx: ProbeContext<SnmpSystemTarget>): Observable<Observation> {
  return defer(() => {
    const { scheduler, log } = ctx;
    const snmpTarget = snmpTargetOf(target);
    const uptime = new UptimeTracker();
    const fallbackEntity = nodeId(target.identity ?? ctx.name);
    /** Fixed by the first answer. */
    let entity: EntityId | undefined;
    /** The node announced before any answer, if one was. */
    let placeholder: EntityId | undefined;
    let lastFacts = '';
    let wasUp: boolean | undefined;

    const onAnswer = (vbs: Varbind[], sentAt: number): Observation[] => {
      const at = scheduler.now();
      const sys = readSystemGroup(vbs);
      const out: Observation[] = [];
      if (!entity) {
        entity = nodeId(target.identity ?? usableSysName(sys.sysName) ?? ctx.name);
        if (placeholder && placeholder !== entity) out.push({ kind: 'topology', at, entity: placeholder, element: 'gone' });
      }
      // A configured identity is the name the user gave the device; sysName stays in attrs.
      const facts = nodeFacts(target.identity ?? usableSysName(sys.sysName) ?? ctx.name, target.host, sys);
      const factsKey = JSON.stringify(facts);
      if (factsKey !== lastFacts) {
        lastFacts = factsKey;
        out.push({ kind: 'topology', at, entity, element: 'node', node: facts });
      }
      out.push({ kind: 'state', at, entity, state: 'up' });
      out.push({ kind: 'metric', at, entity, name: 'snmp.rtt_ms', value: at - sentAt });
      if (sys.sysUpTime !== undefined) {
        const u = uptime.update(sys.sysUpTime, at);
        out.push({ kind: 'metric', at, entity, name: 'sys.uptime_s', value: u.uptimeS });
        if (u.rebooted) {
          out.push({
            kind: 'event',
            at,
            entity,
            type: 'reboot',
            severity: 'warning',
            message: `${facts.name} restarted: sysUpTime went back from ${formatUptime(u.previousS ?? 0)} to ${formatUptime(u.uptimeS)}`,
            data: { previousUptimeS: u.previousS, uptimeS: u.uptimeS },
          });
        }
      }
      if (wasUp !== true) log.info({ entity }, 'SNMP agent answers');
      wasUp = true;
      return out;
    };

    const onFailure = (reason: string): Observation[] => {
      const at = scheduler.now();
      const out: Observation[] = [];
      const id = entity ?? fallbackEntity;
      if (!entity && !placeholder) {
        placeholder = id;
        out.push({
          kind: 'topology',
          at,
          entity: id,
          element: 'node',
          node: { name: target.identity ?? ctx.name, kind: 'unknown', address: target.host, attrs: {} },
        });
      }
      out.push({ kind: 'state', at, entity: id, state: 'down', reason });
      if (wasUp !== false) log.warn({ entity: id, reason }, 'SNMP agent does not answer');
      wasUp = false;
      return out;
    };

    const poll = (): Observable<Observation> =>
      defer(() => {
        const sentAt = scheduler.now();
        return ctx.clients.snmp
          .session(snmpTarget)
          .get([...SYSTEM_OIDS])
          .pipe(
            map((vbs) => onAnswer(vbs, sentAt)),
            catchError((e: unknown) =>
              isVigieError(e, 'E_SNMP_TIMEOUT') || isVigieError(e, 'E_SNMP') ? of(onFailure(e.message)) : throwError(() => e),
            ),
            concatMap((batch) => from(batch)),
          );
      });

    return timer(0, ctx.intervalMs, scheduler).pipe(exhaustMap(poll));
  });
}
