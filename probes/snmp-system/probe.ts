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
 * - node id: `deviceIdentity` of the SDK, as the switch kind: `identity ?? sysName ?? ctx.name`
 *   (an empty, bare-IP or placeholder sysName such as LibreNMS's sanitised `<private>` is not an
 *   identity).
 *   Before the first answer it is `nodeId(identity ?? ctx.name)`; the id of the first answer
 *   is then kept for the life of the subscription, even if sysName changes (a placeholder
 *   with another id is retired with a `gone` topology observation);
 * - unsubscribing stops the timer and abandons the request in flight.
 */
import { Observable, catchError, concatMap, defer, exhaustMap, from, map, of, throwError, timer } from 'rxjs';
import { isVigieError, nodeId, type EntityId, type NodeFacts, type Observation, type ProbeContext, type Varbind } from '../../plugins/sdk/index.js';
import { classifyDevice } from '../../plugins/sdk/snmp/device/classify.js';
import { deviceIdentity } from '../../plugins/sdk/snmp/device/identity.js';
import { SYSTEM_GROUP_OIDS, UptimeTracker, parseSystem, rebootEvent, type SystemInfo } from '../../plugins/sdk/snmp/device/system.js';
import { snmpTargetOf, type SnmpSystemTarget } from './schema.js';

function nodeFacts(name: string, host: string, sys: SystemInfo): NodeFacts {
  const attrs: Record<string, unknown> = {};
  for (const key of ['sysName', 'sysDescr', 'sysObjectID', 'sysLocation', 'sysContact'] as const) {
    if (sys[key]) attrs[key] = sys[key];
  }
  return { name, kind: classifyDevice(sys.sysObjectID, sys.sysDescr), address: host, attrs };
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
      const sys = parseSystem(vbs);
      const out: Observation[] = [];
      // The SDK's identity rule (as the switch and router kinds): a configured identity, else a
      // usable sysName (not empty, an address or a placeholder such as `<private>`), else the
      // instance name. sysName stays in attrs.
      const { name } = deviceIdentity({ configured: target.identity, sysName: sys.sysName, sysObjectID: sys.sysObjectID, fallback: ctx.name });
      if (!entity) {
        entity = nodeId(name);
        if (placeholder && placeholder !== entity) out.push({ kind: 'topology', at, entity: placeholder, element: 'gone' });
      }
      const facts = nodeFacts(name, target.host, sys);
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
        if (u.rebooted) out.push(rebootEvent(entity, facts.name, u, at));
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
          .get([...SYSTEM_GROUP_OIDS])
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
