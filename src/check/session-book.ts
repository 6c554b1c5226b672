import type { TraceRecord } from '../model/observations.ts';

/** What the creators held, and which creator won each document: derived from the trace alone. */
export class SessionBook {
  // By creator and hint: a client may create more than once (after its session was released).
  private readonly created = new Map<string, { key: string; content: string }>();
  private readonly lastHint = new Map<string, string>();
  private readonly winners = new Map<string, { owner: string; keyHint: string; key: string; content: string }>();

  /** Updates the book from one record. */
  read(record: TraceRecord): void {
    if (record.kind === 'provider-answer' && record.requestedHint === null) {
      this.lastHint.set(record.actor, record.keyHint);
    } else if (record.kind === 'state' && record.state === 'create-sent' && record.key !== undefined) {
      this.created.set(`${record.actor}\u0000${this.lastHint.get(record.actor) ?? ''}`, { key: record.key, content: record.content ?? '' });
    } else if (record.kind === 'session' && record.status === 'established') {
      const created = this.created.get(`${record.owner}\u0000${record.keyHint}`);
      if (created !== undefined) this.winners.set(record.documentId, { owner: record.owner, keyHint: record.keyHint, ...created });
    }
  }

  /** The winner of a document, once its session is established. */
  winner(documentId: string): { owner: string; keyHint: string; key: string; content: string } | undefined {
    return this.winners.get(documentId);
  }
}
