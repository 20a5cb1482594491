/**
 * Engines shared by every probe of a local address, released when the last probe stops.
 *
 * Contract: `SharedEngines.get(key, create)` gives the engine for `key`, creating it on first use.
 * A probe that uses it calls `engine.retain()` when it starts and the returned release function
 * when it stops; when the last retained use is released the engine is forgotten and closed, so
 * stopping every SIP probe frees the socket (a later probe gets a fresh engine). An engine that
 * is never retained (tests, the CLI's one-shot probe) lives until `closeAll()`.
 */

/** What an engine needs to be shared: a close, and a use count the pool watches. */
export abstract class RetainCounted {
  private users = 0;
  /** Set by the pool: called when the last retained use is released. */
  onLastRelease?: () => void;

  /** Counts one more user; the returned function (idempotent) releases it. */
  retain(): () => void {
    this.users++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.users === 0) this.onLastRelease?.();
    };
  }

  abstract close(): Promise<void>;
}

export class SharedEngines<E extends RetainCounted> {
  private readonly engines = new Map<string, E>();

  get(key: string, create: () => E): E {
    let engine = this.engines.get(key);
    if (!engine) {
      const created = create();
      created.onLastRelease = () => {
        if (this.engines.get(key) === created) this.engines.delete(key);
        void created.close();
      };
      this.engines.set(key, created);
      engine = created;
    }
    return engine;
  }

  /** Closes and forgets every engine (daemon shutdown, tests). */
  async closeAll(): Promise<void> {
    const engines = [...this.engines.values()];
    this.engines.clear();
    await Promise.all(engines.map((e) => e.close()));
  }
}
