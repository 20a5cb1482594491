/**
 * The calls table (`#calls-table`, one `tr[data-call][data-trunk][data-outcome]` per call, newest
 * first): time, trunk, from → to, outcome and final code, duration, MOS (by band), loss, jitter,
 * source. `render(rows)` shows exactly `rows` in that order, reusing each call's row element (a
 * report never changes once made), so a live addition inserts one row. The trunk cell is a button:
 * `onTrunk(id)` (the view selects that trunk).
 */
import { h } from '../panel/dom.js';
import { formatTime } from '../panel/format.js';
import { callTime, isProblemCall, type CallRow } from './calls.js';
import { formatCallDuration, formatClock, formatLoss, formatMos, formatMs, MISSING, outcomeLabel, partyLabel } from './format.js';
import { mosBadge } from './trunks-table.js';

const HEADERS: { label: string; numeric: boolean }[] = [
  { label: 'Time', numeric: false },
  { label: 'Trunk', numeric: false },
  { label: 'From → To', numeric: false },
  { label: 'Outcome', numeric: false },
  { label: 'Duration', numeric: true },
  { label: 'MOS', numeric: true },
  { label: 'Loss', numeric: true },
  { label: 'Jitter', numeric: true },
  { label: 'Source', numeric: false },
];

export interface CallsTable {
  readonly el: HTMLTableElement;
  render(rows: readonly CallRow[]): void;
}

function outcomeCell(c: CallRow): HTMLElement {
  const pdd = c.pddMs !== undefined ? `, post-dial delay ${formatMs(c.pddMs)}` : '';
  return h('span', { class: `outcome outcome-${c.outcome}`, title: `${outcomeLabel(c.outcome, c.code)}${pdd}` }, outcomeLabel(c.outcome, c.code));
}

function mosTitle(c: CallRow): string {
  const parts = [`MOS ${formatMos(c.mos)} (E-model)`];
  if (c.reportedMos !== undefined) parts.push(`endpoint reported ${formatMos(c.reportedMos)}`);
  if (c.codec) parts.push(`codec ${c.codec}`);
  if (c.rttMs !== undefined) parts.push(`media RTT ${formatMs(c.rttMs)}`);
  return parts.join(', ');
}

function newRow(c: CallRow, onTrunk: (id: string) => void): HTMLTableRowElement {
  const when = callTime(c);
  const parties = `${partyLabel(c.from)} → ${partyLabel(c.to)}`;
  const cells = [
    h('td', {}, h('time', { datetime: new Date(when).toISOString(), title: `${formatTime(when)}${c.endedAt !== undefined ? `, ended ${formatClock(c.endedAt)}` : ''}`, text: formatClock(when) })),
    h('td', {}, h('button', { type: 'button', class: 'link-like', 'data-trunk': c.trunkId, 'aria-label': `Show trunk ${c.trunk}`, onclick: () => onTrunk(c.trunkId) }, c.trunk)),
    h('td', { class: 'parties', title: `${c.from ?? MISSING} → ${c.to ?? MISSING}\nCall-ID ${c.callId}`, text: parties }),
    h('td', {}, outcomeCell(c)),
    h('td', { class: 'num', text: formatCallDuration(c.durationS) }),
    h('td', { class: 'num' }, mosBadge(c.mos, mosTitle(c))),
    h('td', { class: 'num', text: formatLoss(c.lossPct) }),
    h('td', { class: 'num', text: formatMs(c.jitterMs) }),
    h('td', { class: 'source', text: c.source ?? MISSING }),
  ];
  const tr = h('tr', { 'data-call': c.key, 'data-call-id': c.callId, 'data-trunk': c.trunkId, 'data-outcome': c.outcome }, ...cells);
  if (isProblemCall(c)) tr.classList.add('problem');
  return tr;
}

export function createCallsTable(onTrunk: (id: string) => void): CallsTable {
  const elements = new Map<string, HTMLTableRowElement>();
  const tbody = h('tbody');
  const table = h('table', { id: 'calls-table', class: 'telephony-table calls' },
    h('caption', { class: 'visually-hidden', text: 'Calls of the last hour, newest first' }),
    h('thead', {}, h('tr', {}, ...HEADERS.map((c) => h('th', { scope: 'col', class: c.numeric ? 'num' : undefined, text: c.label })))),
    tbody);

  return {
    el: table,
    render(rows) {
      const keep = new Set(rows.map((r) => r.key));
      for (const [key, tr] of elements) {
        if (!keep.has(key)) {
          tr.remove();
          elements.delete(key);
        }
      }
      const trs = rows.map((r) => {
        let tr = elements.get(r.key);
        if (!tr) elements.set(r.key, (tr = newRow(r, onTrunk)));
        return tr;
      });
      // insert in order, touching only rows out of place (a live call at the top moves nothing else)
      let cursor: Element | null = tbody.firstElementChild;
      for (const tr of trs) {
        if (cursor === tr) {
          cursor = cursor.nextElementSibling;
          continue;
        }
        tbody.insertBefore(tr, cursor);
      }
    },
  };
}
