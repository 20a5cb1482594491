import { expect } from 'chai';
import type { EntityState, EventObservation, RawState, StateObservation } from '../../../plugins/sdk/index.js';
import { Correlator } from '../../../core/correlation/correlator.js';
import { EntityStateMachine } from '../../../core/correlation/state-machine.js';

function st(state: RawState, at: number, source = 'k/a', entity = 'node:a'): StateObservation {
  return { kind: 'state', at, entity, state, source };
}

describe('correlation', () => {
  describe('EntityStateMachine', () => {
    it('confirms down after N consecutive failures and up after M successes', () => {
      const m = new EntityStateMachine({ down: 3, up: 2 });
      const seq: RawState[] = ['up', 'up', 'down', 'down', 'up', 'down', 'down', 'down', 'up', 'up'];
      const confirmed = seq.map((r) => (m.feed(r), m.state));
      // unknown → up needs 2 ups; a broken run of downs resets; 3 downs confirm; 2 ups confirm
      expect(confirmed).to.deep.equal(['unknown', 'up', 'up', 'up', 'up', 'up', 'up', 'down', 'down', 'up']);
    });

    it('returns a transition only on change (de-duplication)', () => {
      const m = new EntityStateMachine({ down: 1, up: 1 });
      const ts = (['down', 'down', 'down', 'up', 'up'] as RawState[]).map((r) => m.feed(r));
      expect(ts.filter(Boolean).map((t) => `${t!.from}->${t!.to}`)).to.deep.equal(['unknown->down', 'down->up']);
    });

    it('treats degraded as worse than up and better than down', () => {
      const m = new EntityStateMachine({ down: 2, up: 1 });
      m.feed('up');
      expect(m.feed('degraded')).to.equal(undefined);
      expect(m.feed('degraded')?.to).to.equal('degraded');
      expect(m.feed('up')?.to).to.equal('up');
    });
  });

  describe('Correlator', () => {
    function make(perSource?: Record<string, { down: number; up: number }>) {
      const states: [string, EntityState, number][] = [];
      const events: EventObservation[] = [];
      let suppressed = 0;
      const c = new Correlator(
        { defaults: { down: 3, up: 1 }, perSource, dedupWindowMs: 60_000, onSuppressed: () => suppressed++ },
        { setState: (e, s, at) => states.push([e, s, at]), event: (e) => events.push(e) },
      );
      return { c, states, events, suppressed: () => suppressed };
    }

    it('applies per-probe hysteresis and emits one state-change per transition', () => {
      const { c, states, events } = make({ 'k/fast': { down: 1, up: 1 } });
      c.observe(st('up', 0));
      c.observe(st('down', 1000));
      c.observe(st('down', 2000));
      expect(states).to.deep.equal([['node:a', 'up', 0]]);
      c.observe(st('down', 3000));
      expect(states.at(-1)).to.deep.equal(['node:a', 'down', 3000]);
      c.observe(st('down', 0, 'k/fast', 'node:b'));
      expect(states.at(-1)).to.deep.equal(['node:b', 'down', 0]);
      expect(events.map((e) => [e.type, e.entity, e.data?.to, e.severity])).to.deep.equal([
        ['state-change', 'node:a', 'up', 'info'],
        ['state-change', 'node:a', 'down', 'major'],
        ['state-change', 'node:b', 'down', 'major'],
      ]);
    });

    it('de-duplicates repeated events within the window, not after it', () => {
      const { c, events, suppressed } = make();
      const ev = (at: number): EventObservation => ({ kind: 'event', at, entity: 'node:a', type: 'reboot', severity: 'warning', message: 'rebooted' });
      c.event(ev(0));
      c.event(ev(10_000));
      c.event(ev(59_000));
      c.event(ev(61_000));
      expect(events.map((e) => e.at)).to.deep.equal([0, 61_000]);
      expect(suppressed()).to.equal(2);
    });
  });
});
