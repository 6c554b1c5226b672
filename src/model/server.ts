import type { EncryptedContent } from './crypto.ts';
import type { Message, SessionMetadata } from './messages.ts';
import type { Network, Node } from './network.ts';
import type { WorldContext } from './world-context.ts';

interface DocumentSessions {
  status: 'none' | 'pending' | 'established';
  owner: string | undefined;
  session: SessionMetadata | undefined;
  content: EncryptedContent | undefined;
  /** Clients connected for the document before its session existed: they hear the announcement. */
  readonly connected: string[];
}

/** How long the server waits for a disconnected creator before releasing its session, by default. */
export const pendingSessionTimeoutMsDefault = 15_000;

/**
 * The RTC server as the seeds describe it. The first "create session" for an unknown document wins, atomically;
 * every later one is rejected. The winner's content upload completes the session, and only then does the
 * server announce it, with the winner's key hint, to every client connected for that document. The RTC server's
 * source is not public: this is the simplest behaviour consistent with the documentation.
 *
 * Faults: established sessions are durable metadata and survive a restart; a session still being established
 * does not. When its creator disconnects, the server waits `pendingSessionTimeoutMs` and then releases it,
 * telling the waiting clients to start over with a new key.
 */
export class Server implements Node {
  readonly id = 'server';
  private readonly documents = new Map<string, DocumentSessions>();
  private downUntilMs = 0;

  constructor(
    private readonly world: WorldContext,
    private readonly network: Network,
  ) {}

  /** The established sessions, in the order their documents were first seen. */
  established(): { documentId: string; owner: string; keyHint: string }[] {
    const result: { documentId: string; owner: string; keyHint: string }[] = [];
    for (const [documentId, entry] of this.documents) {
      if (entry.status === 'established' && entry.owner !== undefined && entry.session !== undefined) {
        result.push({ documentId, owner: entry.owner, keyHint: entry.session.keyHint });
      }
    }
    return result;
  }

  /** Whether the server accepts connections now. */
  isUp(): boolean {
    return this.world.queue.nowMs >= this.downUntilMs;
  }

  /** Handles a message from a client. */
  receive(from: string, message: Message): void {
    if (!this.isUp()) return;
    const entry = this.document(message.documentId);
    switch (message.type) {
      case 'requestSession':
        return this.onRequest(from, message.documentId, entry);
      case 'createSession':
        return this.onCreate(from, message.documentId, message.session, entry);
      case 'uploadContent':
        return this.onUpload(from, message.documentId, message.content, entry);
      default:
        return undefined;
    }
  }

  /** A client's connection closed: it no longer hears announcements; an abandoned creation is released later. */
  onDisconnect(client: string): void {
    for (const [documentId, entry] of this.documents) {
      const index = entry.connected.indexOf(client);
      if (index >= 0) entry.connected.splice(index, 1);
      if (entry.status === 'pending' && entry.owner === client) {
        this.world.queue.timer({
          key: `release:${documentId}#${client}@${this.world.queue.nowMs}`,
          actor: 'server',
          resources: [`server:${documentId}`],
          delayMs: this.world.config.pendingSessionTimeoutMs ?? pendingSessionTimeoutMsDefault,
          action: () => this.releaseAbandonedSession(documentId, client),
        });
      }
    }
  }

  /** Releases a session its creator abandoned and tells the waiting clients to start over. */
  releaseAbandonedSession(documentId: string, owner: string): void {
    const entry = this.document(documentId);
    if (entry.status !== 'pending' || entry.owner !== owner) return;
    entry.status = 'none';
    entry.owner = undefined;
    entry.session = undefined;
    this.world.emit({ kind: 'session', actor: 'server', documentId, status: 'released', owner, keyHint: '' });
    for (const client of entry.connected.splice(0)) this.reply(client, { type: 'startOver', documentId });
  }

  /** The server restarts: connections are gone, so is every session still being established. */
  restart(downMs: number): void {
    this.downUntilMs = this.world.queue.nowMs + downMs;
    for (const entry of this.documents.values()) entry.connected.length = 0;
    this.dropPendingSessions();
  }

  /** Forgets sessions that were not established: they were never durable. */
  dropPendingSessions(): void {
    for (const [documentId, entry] of this.documents) {
      if (entry.status !== 'pending') continue;
      const owner = entry.owner ?? '';
      entry.status = 'none';
      entry.owner = undefined;
      entry.session = undefined;
      this.world.emit({ kind: 'session', actor: 'server', documentId, status: 'released', owner, keyHint: '' });
    }
  }

  private onRequest(from: string, documentId: string, entry: DocumentSessions): void {
    if (entry.status === 'established' && entry.session !== undefined && entry.content !== undefined) {
      this.reply(from, { type: 'sessionExists', documentId, session: entry.session, content: entry.content });
      return;
    }
    if (!entry.connected.includes(from)) entry.connected.push(from);
    this.reply(from, { type: entry.status === 'pending' ? 'sessionPending' : 'noSession', documentId });
  }

  private onCreate(from: string, documentId: string, session: SessionMetadata, entry: DocumentSessions): void {
    if (entry.status !== 'none') {
      this.reply(from, { type: 'createRejected', documentId });
      return;
    }
    entry.status = 'pending';
    entry.owner = from;
    entry.session = session;
    if (!entry.connected.includes(from)) entry.connected.push(from);
    this.world.emit({ kind: 'session', actor: 'server', documentId, status: 'pending', owner: from, keyHint: session.keyHint });
    this.reply(from, { type: 'createAccepted', documentId });
  }

  private onUpload(from: string, documentId: string, content: EncryptedContent, entry: DocumentSessions): void {
    if (entry.status !== 'pending' || entry.owner !== from || entry.session === undefined) return;
    entry.status = 'established';
    entry.content = content;
    this.world.emit({ kind: 'session', actor: 'server', documentId, status: 'established', owner: from, keyHint: entry.session.keyHint });
    for (const client of entry.connected) {
      this.reply(client, { type: 'newSessionAvailable', documentId, keyHint: entry.session.keyHint });
    }
  }

  private document(documentId: string): DocumentSessions {
    let entry = this.documents.get(documentId);
    if (entry === undefined) {
      entry = { status: 'none', owner: undefined, session: undefined, content: undefined, connected: [] };
      this.documents.set(documentId, entry);
    }
    return entry;
  }

  private reply(to: string, message: Message): void {
    this.network.send('server', to, message);
  }
}
