import type { RecordOf } from './violation.ts';

/** What the creators held, and which creator won each document: derived from the trace alone. */
export class SessionBook {
  // By creator and hint: a client may create more than once (after its session was released).
  private readonly created = new Map<string, { key: string; content: string }>();
  private readonly lastHint = new Map<string, string>();
  private readonly winners = new Map<string, { owner: string; keyHint: string; key: string; content: string }>();

  /** A provider's answer: a new key (asked for without a hint) is the one its client will create with. */
  answered(record: RecordOf<'provider-answer'>): void {
    if (record.requestedHint === null) this.lastHint.set(record.actor, record.keyHint);
  }

  /** A client's state: once it has sent its create, what it created with. */
  stateChanged(record: RecordOf<'state'>): void {
    if (record.state === 'create-sent' && record.key !== undefined) {
      this.created.set(`${record.actor}\u0000${this.lastHint.get(record.actor) ?? ''}`, { key: record.key, content: record.content ?? '' });
    }
  }

  /** A session: once established, its creator is the document's winner. */
  sessionChanged(record: RecordOf<'session'>): void {
    if (record.status !== 'established') return;
    const created = this.created.get(`${record.owner}\u0000${record.keyHint}`);
    if (created !== undefined) this.winners.set(record.documentId, { owner: record.owner, keyHint: record.keyHint, ...created });
  }

  /** The winner of a document, once its session is established. */
  winner(documentId: string): { owner: string; keyHint: string; key: string; content: string } | undefined {
    return this.winners.get(documentId);
  }
}
