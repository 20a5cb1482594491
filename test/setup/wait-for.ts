/**
 * Polls `probe` every `everyMs` (default 100) until it returns a value (not undefined), or fails
 * after `ms` naming `what` and the last error the probe threw (a probe may throw while a peer is
 * still starting: that counts as "not yet").
 */
export async function waitFor<T>(probe: () => Promise<T | undefined>, ms: number, what: string, everyMs = 100): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
