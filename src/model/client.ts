import type { ValidAnswer } from '../providers/contract.ts';
import { createProviderEnv } from '../providers/env.ts';
import { symbolicCrypto, type EncryptedContent, type NewSession } from './crypto.ts';
import type { Message, SessionMetadata } from './messages.ts';
import type { SimulatedKeyStore } from './key-store.ts';
import type { Network, Node } from './network.ts';
import type { ClientState } from './observations.ts';
import { ProviderCaller } from './provider-caller.ts';
import type { WorldContext } from './world-context.ts';

/** What a client needs from the rest of the world. */
export interface ClientParts {
  readonly world: WorldContext;
  readonly network: Network;
  readonly keyStore: SimulatedKeyStore;
  /** Called whenever the client reaches `collaborating` or `failed`. */
  readonly onSettled: () => void;
}

/**
 * A browser opening one document, following the seeds' seven steps: ask for a session; with none, ask the
 * provider for a new key (keyHint null) and send "create session"; the winner uploads its content, and the
 * server then announces the session; a rejected or waiting client asks its provider for the announced hint.
 * A client arriving after the session exists asks its provider for the existing hint.
 */
export class Client implements Node {
  state: ClientState = 'requesting';
  /** What the client is waiting for, in words, for liveness reports. */
  waitingFor = 'arrival';
  private caller: ProviderCaller | undefined;
  private created: { readonly keyHint: string; readonly key: string; readonly session: NewSession } | undefined;
  private announcedHint: string | undefined;
  private heldKey: { readonly keyHint: string; readonly key: string } | undefined;
  private sessionData: { readonly session: SessionMetadata; readonly content: EncryptedContent } | undefined;

  constructor(
    readonly id: string,
    readonly documentId: string,
    private readonly parts: ClientParts,
  ) {}

  /** The initial content this client would upload if it won. */
  get initialContent(): string {
    return `initial content typed in ${this.id}`;
  }

  /** The provider key this client created the session with, if it sent a create. */
  get createdKey(): string | undefined {
    return this.created?.key;
  }

  /** The browser opens the document: load the provider, ask the server for a session. */
  arrive(): void {
    const { world } = this.parts;
    world.emit({ kind: 'arrive', actor: this.id, documentId: this.documentId });
    const env = createProviderEnv({
      clientId: this.id,
      clock: () => world.config.epochMs + world.queue.nowMs,
      random: world.streams.get(`client:${this.id}`),
      realm: world.source.realm,
      keyStore: this.parts.keyStore.viewFor(this.id),
      wakeAfter: wakeAfter(world, this.id),
    });
    const created = world.source.create(env, instanceHooks(world, this.id));
    if (!created.ok) {
      world.emit({ kind: 'provider-contract', actor: this.id, problem: created.problem });
      this.fail(`its provider could not be created: ${created.problem}`);
      return;
    }
    this.caller = new ProviderCaller(world, this.id, created.provider);
    this.send({ type: 'requestSession', documentId: this.documentId });
    this.enter('requesting', 'the server to answer requestSession');
  }

  /** Handles a message from the server. */
  receive(_from: string, message: Message): void {
    if (this.state === 'collaborating' || this.state === 'failed') return;
    switch (message.type) {
      case 'noSession':
        return this.createSession();
      case 'sessionPending':
        return this.enter('waiting', 'newSessionAvailable (a session is being established)');
      case 'sessionExists':
        this.sessionData = { session: message.session, content: message.content };
        return this.join(message.session.keyHint);
      case 'createAccepted':
        return this.upload();
      case 'createRejected':
        if (this.announcedHint !== undefined) return this.join(this.announcedHint);
        return this.enter('waiting', 'newSessionAvailable (its create was rejected)');
      case 'newSessionAvailable':
        return this.onAnnouncement(message.keyHint);
      default:
        return undefined;
    }
  }

  private createSession(): void {
    this.enter('creating', 'its provider to answer keyHint null');
    this.caller?.request(
      this.documentId,
      null,
      (answer) => {
        const { world } = this.parts;
        const session = symbolicCrypto.createSession(
          answer.key,
          this.initialContent,
          world.streams.get(`crypto:${this.id}`),
        );
        this.created = { keyHint: answer.keyHint, key: answer.key, session };
        const metadata = { keyHint: answer.keyHint, wrappedKey: session.wrappedKey, salt: session.salt };
        this.send({ type: 'createSession', documentId: this.documentId, session: metadata });
        this.enter('create-sent', 'the server to accept or reject createSession', {
          key: answer.key,
          content: this.initialContent,
        });
      },
      (reason) => this.fail(reason),
    );
  }

  private upload(): void {
    if (this.created === undefined) return;
    this.send({ type: 'uploadContent', documentId: this.documentId, content: this.created.session.content });
    this.enter('establishing', 'newSessionAvailable for its own session');
  }

  private onAnnouncement(keyHint: string): void {
    if (this.state === 'establishing' && this.created?.keyHint === keyHint) {
      this.enter('collaborating', 'nothing', { key: this.created.key, content: this.initialContent });
      return;
    }
    if (this.state === 'waiting') {
      this.join(keyHint);
      return;
    }
    // Still creating or awaiting the reply to its create: the create will be rejected; remember the hint.
    this.announcedHint = keyHint;
  }

  // Step 7: ask the provider for the winner's hint; fetch the session metadata if the client lacks it.
  private join(keyHint: string): void {
    this.enter('joining', `its provider to answer keyHint ${JSON.stringify(keyHint)}`);
    if (this.heldKey?.keyHint === keyHint) return this.completeJoin();
    this.caller?.request(
      this.documentId,
      keyHint,
      (answer: ValidAnswer) => {
        this.heldKey = { keyHint, key: answer.key };
        this.completeJoin();
      },
      (reason) => this.fail(reason),
    );
  }

  private completeJoin(): void {
    if (this.heldKey === undefined) return;
    if (this.sessionData === undefined) {
      this.send({ type: 'requestSession', documentId: this.documentId });
      this.waitingFor = 'the session metadata (sessionExists)';
      return;
    }
    const { session, content } = this.sessionData;
    const sessionKey = symbolicCrypto.unwrap(this.heldKey.key, session.wrappedKey);
    if (sessionKey === undefined) {
      this.fail(
        `encryption: the key its provider gave for hint ${JSON.stringify(session.keyHint)} does not unwrap the session key`,
      );
      return;
    }
    const text = symbolicCrypto.decrypt(sessionKey, content);
    if (text === undefined) {
      this.fail('encryption: the session key does not decrypt the document content');
      return;
    }
    this.enter('collaborating', 'nothing', { key: this.heldKey.key, content: text });
  }

  private send(message: Message): void {
    this.parts.network.send(this.id, 'server', message);
  }

  private enter(state: ClientState, waitingFor: string, held?: { key: string; content: string }): void {
    this.state = state;
    this.waitingFor = waitingFor;
    this.parts.world.emit({
      kind: 'state',
      actor: this.id,
      documentId: this.documentId,
      state,
      detail: state === 'collaborating' ? 'collaborating' : `waits for ${waitingFor}`,
      ...held,
    });
    if (state === 'collaborating') this.parts.onSettled();
  }

  private fail(reason: string): void {
    this.state = 'failed';
    this.waitingFor = 'nothing (it gave up)';
    this.parts.world.emit({ kind: 'state', actor: this.id, documentId: this.documentId, state: 'failed', detail: reason });
    this.parts.onSettled();
  }
}

/** The virtual-time sleep of one client's env. */
export function wakeAfter(world: WorldContext, clientId: string): (ms: number, wake: () => void) => void {
  let count = 0;
  return (ms, wake) => {
    world.queue.timer({ key: `sleep:${clientId}#${++count}`, actor: clientId, resources: [clientId], delayMs: ms, action: wake });
  };
}

/** The clock, randomness and console a module instance of one client sees in place of the real ones. */
export function instanceHooks(world: WorldContext, clientId: string) {
  const globalsRandom = world.streams.get(`globals:${clientId}`);
  return {
    clock: () => world.config.epochMs + world.queue.nowMs,
    elapsed: () => world.queue.nowMs,
    random: () => globalsRandom.next(),
    log: (level: string, text: string) => world.emit({ kind: 'console', actor: clientId, level, text }),
  };
}
