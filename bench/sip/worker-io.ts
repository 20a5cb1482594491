/**
 * The worker side of the line protocol of `bench/sip/procs.ts`: prints `ready`, then answers each
 * command line on stdin (`name arg arg…`) with one JSON line on stdout; `quit` (or the end of
 * stdin) runs `onQuit` and exits. An unknown command or a failing handler answers `{error}`.
 */
import { createInterface } from 'node:readline';

export type Handler = (args: string[]) => unknown;

export function serve(handlers: Record<string, Handler>, onQuit: () => Promise<void>): void {
  const lines = createInterface({ input: process.stdin });
  let quitting = false;
  const quit = (): void => {
    if (quitting) return;
    quitting = true;
    void onQuit().finally(() => process.exit(0));
  };
  // One command at a time, in order: a command's answer is the next line the driver reads.
  let chain: Promise<void> = Promise.resolve();
  lines.on('line', (line) => {
    const [name, ...args] = line.trim().split(/\s+/);
    if (name === 'quit') return quit();
    chain = chain.then(async () => {
      const handler = handlers[name];
      let answer: unknown;
      try {
        answer = handler ? await handler(args) : { error: `unknown command ${name}` };
      } catch (e) {
        answer = { error: e instanceof Error ? e.message : String(e) };
      }
      process.stdout.write(`${JSON.stringify(answer)}\n`);
    });
  });
  lines.on('close', quit);
  process.stdout.write('ready\n');
}
