import { publicJwks } from './auth/test-keys.ts';
import { verifyToken, type VerifiedClaims } from './auth/verify-token.ts';
import type { NodeClock } from './clocks.ts';
import type { EncryptedContent } from './crypto.ts';
import type { Message, SessionMetadata } from './messages.ts';
import type { Network, Node } from './network.ts';
import type { WorldContext } from './world-context.ts';
import { assertNever } from '../kernel/assert-never.ts';

interface DocumentSessions {
  status: 'none' | 'pending' | 'established';
  owner: string | undefined;
  session: SessionMetadata | undefined;
  content: EncryptedContent | undefined;
  /** Clients connected for the document before its session existed: they hear the announcement (in order). */
  readonly connected: Set<string>;
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
  /** With JWT authentication: the verified claims of each client's current connection. */
  private readonly admitted = new Map<string, VerifiedClaims>();
  private downUntilMs = 0;

  constructor(
    private readonly world: WorldContext,
    private readonly network: Network,
    private readonly clock: NodeClock,
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
    return this.world.queue.reached(this.downUntilMs);
  }

  /** Handles a message from a client. */
  /** A delivery touches one document's sessions: deliveries for different documents commute. */
  resourceOf(message: Message): string {
    return `server:${message.documentId}`;
  }

  receive(from: string, message: Message): void {
    if (!this.isUp()) return;
    const entry = this.document(message.documentId);
    switch (message.type) {
      case 'requestSession':
        return this.authenticate(from, message.documentId, message.token, () => this.onRequest(from, message.documentId, entry));
      case 'refreshToken':
        return this.authenticate(from, message.documentId, message.token, () => undefined);
      case 'createSession':
        if (!this.mayWrite(from, message.documentId)) return this.reply(from, { type: 'createRejected', documentId: message.documentId });
        return this.onCreate(from, message.documentId, message.session, entry);
      case 'uploadContent':
        if (!this.mayWrite(from, message.documentId)) return undefined;
        return this.onUpload(from, message.documentId, message.content, entry);
      // Messages a server sends, never receives.
      case 'authFailed':
      case 'noSession':
      case 'sessionPending':
      case 'sessionExists':
      case 'createAccepted':
      case 'createRejected':
      case 'newSessionAvailable':
      case 'startOver':
        return undefined;
      default:
        return assertNever(message, 'message');
    }
  }

  /**
   * With JWT authentication on, the token is verified on the server's own clock before anything else; a
   * refused token gets the verifier's exact text, and the connection is closed (a `jwt` disconnect).
   */
  authenticate(from: string, documentId: string, token: string | undefined, proceed: () => void): void {
    const settings = this.world.config.auth;
    if (settings === undefined) return proceed();
    // A request without a token is fine on a connection whose token was already admitted for this document.
    const admitted = this.admitted.get(from);
    if (token === undefined && admitted !== undefined && (admitted.documentId === undefined || admitted.documentId === documentId)) return proceed();
    const verifying = verifyToken(token, {
      jwks: publicJwks(),
      nowSeconds: Math.floor(this.clock.read(this.world.queue.nowMs) / 1000),
      leewaySeconds: settings.leewaySeconds,
      documentId,
    });
    this.world.hostWork.track(verifying, (outcome) => {
      if (this.world.closed) return;
      // Stryker disable next-line ObjectLiteral,StringLiteral: verifyToken never rejects; this only guards against it
      const result = outcome.ok ? outcome.value : { ok: false as const, message: 'JWT signature is invalid' };
      if (!result.ok) {
        this.admitted.delete(from);
        this.world.emit({ kind: 'auth', actor: 'server', client: from, documentId, ok: false, error: result.message });
        this.reply(from, { type: 'authFailed', documentId, message: result.message });
        return;
      }
      this.admitted.set(from, result.claims);
      const { role, documentId: tokenDocument } = result.claims;
      this.world.emit({ kind: 'auth', actor: 'server', client: from, documentId, ok: true, role, ...(tokenDocument === undefined ? {} : { tokenDocument }) });
      proceed();
    });
  }

  /** Without authentication everyone may write; with it, only an admitted editor for this document. */
  mayWrite(client: string, documentId: string): boolean {
    if (this.world.config.auth === undefined) return true;
    const claims = this.admitted.get(client);
    return claims !== undefined && claims.role === 'editor' && (claims.documentId === undefined || claims.documentId === documentId);
  }

  /** A client's connection closed: it no longer hears announcements; an abandoned creation is released later. */
  onDisconnect(client: string): void {
    this.admitted.delete(client);
    for (const [documentId, entry] of this.documents) {
      entry.connected.delete(client);
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
    this.forgetPending(documentId, entry);
    // The clients stay on the document's list: one whose createSession is still in flight must hear the
    // announcement of whichever session wins, as every other client does.
    for (const client of entry.connected) this.reply(client, { type: 'startOver', documentId });
  }

  /** The server restarts: connections are gone, so is every session still being established. */
  restart(downMs: number): void {
    this.downUntilMs = this.world.queue.nowMs + downMs;
    this.admitted.clear();
    for (const entry of this.documents.values()) entry.connected.clear();
    this.dropPendingSessions();
  }

  /** Forgets sessions that were not established: they were never durable. */
  dropPendingSessions(): void {
    for (const [documentId, entry] of this.documents) {
      if (entry.status === 'pending') this.forgetPending(documentId, entry);
    }
  }

  private forgetPending(documentId: string, entry: DocumentSessions): void {
    // Stryker disable next-line StringLiteral: a pending session always has its owner
    const owner = entry.owner ?? '';
    entry.status = 'none';
    entry.owner = undefined;
    entry.session = undefined;
    this.world.emit({ kind: 'session', actor: 'server', documentId, status: 'released', owner, keyHint: '' });
  }

  private onRequest(from: string, documentId: string, entry: DocumentSessions): void {
    if (entry.status === 'established' && entry.session !== undefined && entry.content !== undefined) {
      this.reply(from, { type: 'sessionExists', documentId, session: entry.session, content: entry.content });
      return;
    }
    entry.connected.add(from);
    const waits = entry.status === 'pending' || this.mustWaitForEditor(from);
    this.reply(from, { type: waits ? 'sessionPending' : 'noSession', documentId });
  }

  /** A viewer cannot create: it waits for an editor's session as if one were being established. */
  mustWaitForEditor(client: string): boolean {
    return this.admitted.get(client)?.role === 'viewer';
  }

  private onCreate(from: string, documentId: string, session: SessionMetadata, entry: DocumentSessions): void {
    if (entry.status !== 'none') {
      this.reply(from, { type: 'createRejected', documentId });
      return;
    }
    entry.status = 'pending';
    entry.owner = from;
    entry.session = session;
    entry.connected.add(from);
    this.world.emit({ kind: 'session', actor: 'server', documentId, status: 'pending', owner: from, keyHint: session.keyHint });
    this.reply(from, { type: 'createAccepted', documentId });
    this.world.moment({ kind: 'session-pending', client: from });
  }

  private onUpload(from: string, documentId: string, content: EncryptedContent, entry: DocumentSessions): void {
    if (entry.status !== 'pending' || entry.owner !== from || entry.session === undefined) return;
    entry.status = 'established';
    entry.content = content;
    this.world.emit({ kind: 'session', actor: 'server', documentId, status: 'established', owner: from, keyHint: entry.session.keyHint });
    for (const client of entry.connected) {
      this.reply(client, { type: 'newSessionAvailable', documentId, keyHint: entry.session.keyHint });
    }
    this.world.moment({ kind: 'session-established', client: from });
  }

  private document(documentId: string): DocumentSessions {
    let entry = this.documents.get(documentId);
    if (entry === undefined) {
      entry = { status: 'none', owner: undefined, session: undefined, content: undefined, connected: new Set() };
      this.documents.set(documentId, entry);
    }
    return entry;
  }

  private reply(to: string, message: Message): void {
    this.network.send(this.id, to, message);
  }
}
