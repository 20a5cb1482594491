import { expect } from 'chai';
import type { LiveEvent } from '../../../web/src/context.js';
import { callFromEvent, CallLog, filterCalls, HOUR_MS, isProblemCall, summarizeCalls, type CallRow } from '../../../web/src/telephony/calls.js';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

function callEvent(at: number, data: Record<string, unknown>, extra: Partial<LiveEvent> = {}): LiveEvent {
  const trunk = (data.trunk as string) ?? 'carrier-a';
  return { at, entity: `trunk:${trunk}`, type: 'sip-call', severity: 'info', message: 'call', data: { trunk, source: 'hep', outcome: 'answered', startedAt: at - 60_000, ...data }, ...extra };
}

function row(at: number, data: Record<string, unknown>): CallRow {
  const r = callFromEvent(callEvent(at, data));
  if (!r) throw new Error('not a call');
  return r;
}

describe('web telephony: calls of the last hour', () => {
  it('reads a sip-call event into a row, checking every field', () => {
    const r = callFromEvent(callEvent(T0, {
      callId: 'abc@host', from: 'sip:alice@127.0.0.1', to: 'sip:100@127.0.0.1', finalCode: 200, durationS: 62, pddMs: 180,
      quality: { mos: 4.1, jitterMs: 2.5, lossPct: 0.3, rttMs: 40, codec: 'PCMU', reportedMos: 4.0 },
    }));
    expect(r).to.deep.include({
      trunkId: 'trunk:carrier-a', trunk: 'carrier-a', callId: 'abc@host', source: 'hep', outcome: 'answered', code: 200, durationS: 62, pddMs: 180,
      mos: 4.1, jitterMs: 2.5, lossPct: 0.3, rttMs: 40, codec: 'PCMU', reportedMos: 4.0, startedAt: T0 - 60_000, at: T0,
    });
    const bad = callFromEvent(callEvent(T0, { callId: 'x', durationS: '62', quality: { mos: 'good' }, finalCode: null }));
    expect(bad?.durationS, 'a string is not a duration').to.equal(undefined);
    expect(bad?.mos).to.equal(undefined);
    expect(bad?.code).to.equal(undefined);
  });

  it('ignores other events and reports without a call id', () => {
    expect(callFromEvent({ at: T0, entity: 'trunk:a', type: 'sip-trunk-state', severity: 'info', data: { callId: 'x' } })).to.equal(undefined);
    expect(callFromEvent(callEvent(T0, {}))).to.equal(undefined);
    expect(callFromEvent({ at: T0, entity: 'trunk:a', type: 'sip-call', severity: 'info' })).to.equal(undefined);
  });

  it('keeps calls newest first without duplicates, within the hour', () => {
    const log = new CallLog();
    const now = T0;
    expect(log.add(row(now - 10_000, { callId: 'b', startedAt: now - 20_000 }), now)).to.equal(true);
    expect(log.add(row(now - 5_000, { callId: 'c', startedAt: now - 6_000 }), now)).to.equal(true);
    expect(log.add(row(now - 1_000, { callId: 'a', startedAt: now - 900_000 }), now), 'a long call started earlier').to.equal(true);
    expect(log.add(row(now - 5_000, { callId: 'c', startedAt: now - 6_000 }), now), 'the same report again (API and live topic)').to.equal(false);
    expect(log.add(row(now - HOUR_MS - 1, { callId: 'old' }), now), 'already out of the window').to.equal(false);
    expect(log.list().map((r) => r.callId)).to.deep.equal(['c', 'b', 'a']);
    expect(log.countByTrunk().get('trunk:carrier-a')).to.equal(3);
  });

  it('prunes calls reported more than an hour ago, and accepts them again only if new', () => {
    const log = new CallLog(HOUR_MS);
    log.addAll([row(T0, { callId: 'early' }), row(T0 + 30 * 60_000, { callId: 'mid' }), row(T0 + 59 * 60_000, { callId: 'late' })], T0 + 59 * 60_000);
    expect(log.size).to.equal(3);
    expect(log.prune(T0 + HOUR_MS), 'exactly an hour old stays').to.equal(0);
    expect(log.prune(T0 + HOUR_MS + 1)).to.equal(1);
    expect(log.list().map((r) => r.callId)).to.deep.equal(['late', 'mid']);
    expect(log.prune(T0 + HOUR_MS + 30 * 60_000 + 1)).to.equal(1);
    expect(log.list().map((r) => r.callId)).to.deep.equal(['late']);
    expect(log.has(row(T0, { callId: 'early' }).key), 'a pruned key is forgotten').to.equal(false);
  });

  it('holds at most max calls, dropping the oldest', () => {
    const log = new CallLog(HOUR_MS, 3);
    for (let i = 0; i < 5; i++) log.add(row(T0 + i * 1000, { callId: `c${i}`, startedAt: T0 + i * 1000 }), T0 + 10_000);
    expect(log.list().map((r) => r.callId)).to.deep.equal(['c4', 'c3', 'c2']);
    expect(log.add(row(T0 - 5000, { callId: 'older', startedAt: T0 - 5000 }), T0 + 10_000), 'older than every kept call').to.equal(false);
  });

  const calls = [
    row(T0, { callId: '1', trunk: 'a', from: 'sip:alice@x', to: 'sip:+33123@x', quality: { mos: 4.3, codec: 'PCMA' } }),
    row(T0, { callId: '2', trunk: 'b', outcome: 'rejected', finalCode: 486 }),
    row(T0, { callId: '3', trunk: 'a', outcome: 'failed', finalCode: 503 }),
    row(T0, { callId: '4', trunk: 'b', quality: { mos: 3.8 } }),
    row(T0, { callId: '5', trunk: 'a', outcome: 'rejected', finalCode: 502 }),
    row(T0, { callId: '6', trunk: 'a', outcome: 'one-way-audio', quality: { mos: 4.2 } }),
  ];

  it('flags failed, one-way, 5xx and below-good MOS calls as problems, not a busy callee', () => {
    expect(calls.filter(isProblemCall).map((c) => c.callId)).to.deep.equal(['3', '4', '5', '6']);
  });

  it('filters by trunk, problems and text (all terms)', () => {
    expect(filterCalls(calls, { trunkId: 'trunk:a' }).map((c) => c.callId)).to.deep.equal(['1', '3', '5', '6']);
    expect(filterCalls(calls, { trunkId: 'trunk:b', problemsOnly: true }).map((c) => c.callId)).to.deep.equal(['4']);
    expect(filterCalls(calls, { text: '486' }).map((c) => c.callId)).to.deep.equal(['2']);
    expect(filterCalls(calls, { text: 'ALICE pcma' }).map((c) => c.callId)).to.deep.equal(['1']);
    expect(filterCalls(calls, { text: 'alice 486' })).to.deep.equal([]);
    expect(filterCalls(calls, {}).length).to.equal(calls.length);
  });

  it('summarises: answered share, average MOS of calls that have one, problems', () => {
    const s = summarizeCalls(calls);
    expect(s).to.deep.include({ total: 6, answered: 3, problems: 4 });
    expect(s.asrPct).to.be.closeTo(50, 1e-9);
    expect(s.mosAvg).to.be.closeTo((4.3 + 3.8 + 4.2) / 3, 1e-9);
    expect(summarizeCalls([])).to.deep.equal({ total: 0, answered: 0, asrPct: undefined, mosAvg: undefined, problems: 0 });
  });
});
