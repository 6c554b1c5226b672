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

/**
 * The RTC server as the seeds describe it. The first "create session" for an unknown document wins, atomically;
 * every later one is rejected. The winner's content upload completes the session, and only then does the
 * server announce it, with the winner's key hint, to every client connected for that document. The RTC server's
 * source is not public: this is the simplest behaviour consistent with the documentation.
 */
export class Server implements Node {
  readonly id = 'server';
  private readonly documents = new Map<string, DocumentSessions>();

  constructor(
    private readonly world: WorldContext,
    private readonly network: Network,
  ) {}

  /** The established sessions, in the order they were established. */
  established(): { documentId: string; owner: string; keyHint: string }[] {
    const result: { documentId: string; owner: string; keyHint: string }[] = [];
    for (const [documentId, entry] of this.documents) {
      if (entry.status === 'established' && entry.owner !== undefined && entry.session !== undefined) {
        result.push({ documentId, owner: entry.owner, keyHint: entry.session.keyHint });
      }
    }
    return result;
  }

  /** Handles a message from a client. */
  receive(from: string, message: Message): void {
    const entry = this.document(message.documentId);
    switch (message.type) {
      case 'requestSession':
        if (entry.status === 'established' && entry.session !== undefined && entry.content !== undefined) {
          this.reply(from, { type: 'sessionExists', documentId: message.documentId, session: entry.session, content: entry.content });
          return;
        }
        if (!entry.connected.includes(from)) entry.connected.push(from);
        this.reply(from, { type: entry.status === 'pending' ? 'sessionPending' : 'noSession', documentId: message.documentId });
        return;
      case 'createSession':
        if (entry.status !== 'none') {
          this.reply(from, { type: 'createRejected', documentId: message.documentId });
          return;
        }
        entry.status = 'pending';
        entry.owner = from;
        entry.session = message.session;
        this.world.emit({ kind: 'session', actor: 'server', documentId: message.documentId, status: 'pending', owner: from, keyHint: message.session.keyHint });
        this.reply(from, { type: 'createAccepted', documentId: message.documentId });
        return;
      case 'uploadContent':
        if (entry.status !== 'pending' || entry.owner !== from || entry.session === undefined) return;
        entry.status = 'established';
        entry.content = message.content;
        this.world.emit({ kind: 'session', actor: 'server', documentId: message.documentId, status: 'established', owner: from, keyHint: entry.session.keyHint });
        for (const client of entry.connected) {
          this.reply(client, { type: 'newSessionAvailable', documentId: message.documentId, keyHint: entry.session.keyHint });
        }
        return;
      default:
        return;
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
