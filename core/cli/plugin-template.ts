/** The files of a scaffolded plugin (see plugin-init.ts); `sdk` is the relative path to plugins/sdk. */
export function pluginTemplate(name: string, sdk: string): Record<string, string> {
  // The test sits one folder deeper than index.ts.
  const testSdk = sdk.startsWith('./') ? `..${sdk.slice(1)}` : `../${sdk}`;
  const camel = name.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
  return {
    'index.ts': `/**
 * ${name}: a Vigie probe kind. Polls a device over SNMP every interval and reports its state,
 * its uptime and its identity. Edit the OIDs and observations for your device type.
 */
import { Observable, exhaustMap, timer } from 'rxjs';
import {
  SNMPv2_MIB, Type, definePlugin, defineProbe, nodeId, vbMissing, vbNumber, vbString, type Observation,
} from '${sdk}/index.js';

const targetSchema = Type.Object({
  host: Type.String({ description: 'agent address' }),
  port: Type.Integer({ minimum: 1, maximum: 65535, default: 161 }),
  community: Type.String({ default: 'public' }),
  timeoutMs: Type.Integer({ minimum: 100, default: 2000 }),
}, { additionalProperties: false });

export const ${camel}Probe = defineProbe({
  description: '${name}: identity, reachability and uptime over SNMP',
  configSchema: targetSchema,
  defaultIntervalMs: 60_000,
  create: (target, ctx) => {
    const session = ctx.clients.snmp.session({ host: target.host, port: target.port, version: '2c', community: target.community, timeoutMs: target.timeoutMs, retries: 1 });
    let entity = nodeId(ctx.name);
    return timer(0, ctx.intervalMs, ctx.scheduler).pipe(
      exhaustMap(() => new Observable<Observation>((out) => {
        const sub = session.get([SNMPv2_MIB.sysName, SNMPv2_MIB.sysUpTime]).subscribe({
          next: ([name, uptime]) => {
            const at = ctx.scheduler.now();
            if (!vbMissing(name) && vbString(name)) entity = nodeId(vbString(name));
            out.next({ kind: 'topology', at, entity, element: 'node', node: { name: vbString(name) || ctx.name, kind: 'unknown' } });
            out.next({ kind: 'state', at, entity, state: 'up' });
            const ticks = vbNumber(uptime);
            if (ticks !== undefined) out.next({ kind: 'metric', at, entity, name: '${name}.uptime_s', value: ticks / 100 });
            out.complete();
          },
          error: (err: Error) => {
            out.next({ kind: 'state', at: ctx.scheduler.now(), entity, state: 'down', reason: err.message });
            out.complete();
          },
        });
        return () => sub.unsubscribe();
      })),
    );
  },
});

export default definePlugin({ name: '${name}', version: '0.1.0', sdk: '^1', probes: { '${name}': ${camel}Probe } });
`,
    'README.md': `# ${name}

A Vigie probe kind, scaffolded by \`vigie plugin init ${name}\`.

## What it yields
- \`topology\` node \`node:<sysName>\` (kind \`unknown\`: set yours);
- \`state\` up, or down with the reason when the agent does not answer;
- \`metric\` \`${name}.uptime_s\`.

## Configuration
See \`sample.yaml\`. Target keys: \`host\` (required), \`port\` (161), \`community\` (public), \`timeoutMs\` (2000).

## Try it
\`\`\`sh
vigie probe ${name} --config sample.yaml --once     # after adding this folder to plugins:
npx mocha test/${name}.test.ts                      # the test kit replays test/fixtures/device.snmprec in virtual time
\`\`\`
`,
    'sample.yaml': `# Add the plugin folder to the daemon config, then one probes: entry per device.
plugins:
  - ./plugins/${name}
probes:
  - kind: ${name}
    name: ups-1
    interval: 60s
    target:
      host: 127.0.0.1
      port: 16161
      community: public
`,
    'test/fixtures/device.snmprec': `1.3.6.1.2.1.1.1.0|4|Example device\n1.3.6.1.2.1.1.3.0|67|123456\n1.3.6.1.2.1.1.5.0|4|example-1\n`,
    [`test/${name}.test.ts`]: `import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { VirtualClock, recordedSnmp, runProbe } from '${testSdk}/testkit/index.js';
import plugin from '../index.js';

const fixture = fileURLToPath(new URL('./fixtures/device.snmprec', import.meta.url));

describe('${name} probe', () => {
  it('reports the device up with its uptime, every interval, in virtual time', () => {
    const clock = new VirtualClock();
    const snmp = recordedSnmp({ '127.0.0.1:16161': fixture }, clock);
    const run = runProbe(plugin.probes['${name}']!, { host: '127.0.0.1', port: 16161, community: 'public', timeoutMs: 2000 }, { clock, clients: { snmp }, intervalMs: 60_000 });
    run.advance(60_000);
    expect(run.of('state').map((s) => [s.entity, s.state])).to.deep.equal([['node:example-1', 'up'], ['node:example-1', 'up']]);
    const uptimes = run.of('metric').map((m) => m.value);
    expect(uptimes).to.have.length(2);
    expect(uptimes[1]! - uptimes[0]!).to.be.closeTo(60, 1);
    run.stop();
  });

  it('reports the device down when it stops answering', () => {
    const clock = new VirtualClock();
    const snmp = recordedSnmp({ '127.0.0.1:16161': fixture }, clock);
    const run = runProbe(plugin.probes['${name}']!, { host: '127.0.0.1', port: 16161, community: 'public', timeoutMs: 2000 }, { clock, clients: { snmp }, intervalMs: 60_000 });
    snmp.setDown('127.0.0.1:16161', true);
    run.advance(60_000);
    expect(run.of('state').map((s) => s.state)).to.include('down');
    run.stop();
  });
});
`,
  };
}
