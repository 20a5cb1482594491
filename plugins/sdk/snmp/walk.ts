/**
 * `walkSubtree`: the walk loop shared by every transport, independent of net-snmp so it can be
 * tested with a scripted agent.
 *
 * Contract: calls `step(cursor)` (one GETNEXT or GETBULK answer: the varbinds that follow
 * `cursor`, in order) until the walk ends, then emits every row under `root` once, in OID
 * order, and completes. The walk ends at the first varbind outside the subtree, at
 * endOfMibView, on an empty answer, and on an OID that does not increase (an agent that loops:
 * `onLoop` is told, the rows so far are kept). A step's error ends the walk with that error.
 * Unsubscribing abandons the step in flight.
 */
import { EMPTY, Observable, concat, defer, expand, ignoreElements, of } from 'rxjs';
import type { Varbind } from './types.js';
import { compareOid, oidInSubtree } from './oid.js';

export type WalkStep = (cursor: string) => Observable<Varbind[]>;

export function walkSubtree(root: string, step: WalkStep, onLoop?: (cursor: string, next: string) => void): Observable<Varbind[]> {
  return defer(() => {
    const rows: Varbind[] = [];
    let cursor = root;
    let done = false;
    const consume = (batch: Varbind[]): void => {
      if (batch.length === 0) done = true;
      for (const vb of batch) {
        if (vb.type === 'EndOfMibView' || !oidInSubtree(root, vb.oid)) {
          done = true;
          return;
        }
        if (compareOid(vb.oid, cursor) <= 0) {
          onLoop?.(cursor, vb.oid);
          done = true;
          return;
        }
        rows.push(vb);
        cursor = vb.oid;
      }
    };
    const steps = step(cursor).pipe(
      expand((batch) => {
        consume(batch);
        return done ? EMPTY : step(cursor);
      }),
      ignoreElements(),
    );
    return concat(steps, defer(() => of(rows)));
  });
}
