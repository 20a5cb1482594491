/** A WebSocket test client for the daemon's /ws protocol: collects messages and waits for one. */
import WebSocket from 'ws';

export interface WsMessage {
  topic?: string;
  seq?: number;
  snapshot?: unknown;
  patch?: unknown;
  error?: unknown;
}

export class WsTestClient {
  readonly messages: WsMessage[] = [];
  private waiters: { pred: (m: WsMessage) => boolean; resolve: (m: WsMessage) => void }[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as WsMessage;
      this.messages.push(m);
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(m)) return true;
        w.resolve(m);
        return false;
      });
    });
  }

  static async connect(url: string, topics: string[]): Promise<WsTestClient> {
    const ws = new WebSocket(url.replace(/^http/, 'ws') + '/ws');
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const c = new WsTestClient(ws);
    ws.send(JSON.stringify({ op: 'subscribe', topics }));
    return c;
  }

  /** Resolves with the first message (already received or future) that matches, or rejects after `ms`. */
  waitFor(pred: (m: WsMessage) => boolean, ms: number, what = 'a matching message'): Promise<WsMessage> {
    const seen = this.messages.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
      this.waiters.push({ pred, resolve: (m) => (clearTimeout(t), resolve(m)) });
    });
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

/** True when a topology patch message sets `entity` to `state`. */
export function patchSets(m: WsMessage, entity: string, state: string): boolean {
  const ops = (m.patch as { op: string; value?: { id: string; state: string } }[] | undefined) ?? [];
  return m.topic === 'topology' && Array.isArray(ops) && ops.some((op) => op.op === 'upsert' && op.value?.id === entity && op.value.state === state);
}
