/**
 * The benchmark's own child processes (the walkers): `track(child)` has it killed when the
 * benchmark exits or is interrupted (Ctrl-C, SIGTERM), so no walker outlives the run. The
 * agents' helpers (test/setup) stop the agents the same way.
 */
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
let installed = false;

function killAll(): void {
  for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

export function track<C extends ChildProcess>(child: C): C {
  if (!installed) {
    installed = true;
    process.on('exit', killAll);
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      process.once(sig, () => {
        killAll();
        // the agents' helpers re-raise the signal; if none is installed, exit here
        if (process.listenerCount(sig) === 0) process.exit(130);
      });
    }
  }
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}
