import { isSecureOrigin } from '../config/origin.ts';
import type { ValidAnswer } from '../providers/contract.ts';
import type { NodeClock } from './clocks.ts';
import type { EncryptedContent, NewSession } from './crypto.ts';
import type { SimulatedKeyStore } from './key-store.ts';
import type { Message, SessionMetadata } from './messages.ts';
import type { Network, Node } from './network.ts';
import type { ClientFailure, DisconnectCause, WaitingReason } from './client-outcomes.ts';
import type { ClientState } from './observations.ts';
import type { ClientTokens, TokenClient } from './auth/client-tokens.ts';
import { loadBrowserModules } from './browser-modules.ts';
import type { ProviderCaller } from './provider-caller.ts';
import type { Server } from './server.ts';
import type { WorldContext } from './world-context.ts';
import { assertNever } from '../kernel/assert-never.ts';

/** What a client needs from the rest of the world. */
export interface ClientParts {
  readonly world: WorldContext;
  readonly network: Network;
  readonly server: Server;
  readonly keyStore: SimulatedKeyStore;
  readonly clock: NodeClock;
  /** The world's count of settled clients, one object shared by every client. */
  readonly roster: ClientRoster;
}

/** What a client tells the world about settling, and what it asks it. */
export interface ClientRoster {
  /** Called whenever the client reaches `collaborating` or `failed`. */
  onSettled(): void;
  /** Called with +1 when the client becomes settled (collaborating or failed) and −1 when it stops being so. */
  settledChange(delta: 1 | -1): void;
  /** Whether the race is over (tokens are no longer refreshed then). */
  isRaceOver(): boolean;
}

/** How long the plugin waits before reconnecting after a `jwt` disconnect. */
export const jwtReconnectBackoffMs = 5_000;

/** The plugin's reconnect backoff when the server does not answer. */
export const reconnectBackoffMs = 2_000;

/**
 * A browser opening one document, following the seeds' seven steps: ask for a session; with none, ask the
 * provider for a new key (keyHint null) and send "create session"; the winner uploads its content, and the
 * server then announces the session; a rejected or waiting client asks its provider for the announced hint.
 * A client arriving after the session exists asks its provider for the existing hint.
 *
 * Every connection has an epoch: a disconnect starts a new one, and whatever answers the old one was waiting
 * for is ignored. On reconnecting the client runs the join flow again; after a crash it also loads a fresh
 * provider instance (the browser's memory is gone).
 */
export class Client implements Node {
  state: ClientState = 'requesting';
  /** What the client is waiting for, for liveness reports. */
  waitingFor: WaitingReason = { kind: 'arrival' };
  private arrived = false;
  private epoch = 0;
  private caller: ProviderCaller | undefined;
  /** Counts the provider instances this browser loaded; a crash moves it on, so the old instance stops running. */
  private instance = 0;
  private tokens: ClientTokens | undefined;
  private created: { readonly keyHint: string; readonly key: string; readonly session: NewSession } | undefined;
  // Made on the first create: most clients of a large world only ever join.
  private createdKeys: Map<string, string> | undefined;
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

  /** The provider key this client created a session under `keyHint` with, if it did. */
  createdKey(keyHint: string): string | undefined {
    return this.createdKeys?.get(keyHint);
  }

  /** The browser opens the document: load the provider, connect, ask the server for a session. */
  arrive(): void {
    this.arrived = true;
    if (this.parts.world.wants('arrive')) this.parts.world.emit({ kind: 'arrive', actor: this.id, documentId: this.documentId });
    // The plugin needs SubtleCrypto, which a page outside a secure context does not have: it stops here.
    if (!isSecureOrigin(this.parts.world.config.origin)) return this.fail({ kind: 'insecure-context' });
    if (!this.loadProvider()) return;
    if (this.parts.server.isUp()) {
      this.connect();
      return;
    }
    this.enter('disconnected', { kind: 'reconnection', cause: { kind: 'server-down' } });
    this.scheduleReconnect(reconnectBackoffMs);
  }

  /** The connection drops: in-flight messages are lost; the plugin reconnects after `reconnectAfterMs`. */
  disconnect(reconnectAfterMs: number, cause: DisconnectCause = { kind: 'connection-dropped' }): void {
    if (!this.arrived || this.state === 'failed' || this.state === 'disconnected') return;
    this.epoch++;
    this.parts.network.dropConnection(this.id, this.parts.server.id);
    this.parts.server.onDisconnect(this.id);
    this.enter('disconnected', { kind: 'reconnection', cause });
    this.scheduleReconnect(reconnectAfterMs);
  }

  /** The browser crashes (or its page reloads): connection and provider memory are lost; it restarts after `restartAfterMs`. */
  crash(restartAfterMs: number, cause: 'browser-crashed' | 'page-reloaded' = 'browser-crashed'): void {
    if (!this.arrived || this.state === 'failed') return;
    this.caller = undefined;
    this.instance++;
    if (this.state !== 'disconnected') this.disconnect(restartAfterMs, { kind: cause });
  }

  /** The clock is corrected (NTP): from now on it reads true time. */
  synchroniseClock(): void {
    this.parts.clock.synchronise(this.parts.world.queue.nowMs);
  }

  /** Reconnects and runs the join flow again; retries later while the server is down. */
  reconnect(): void {
    if (this.state !== 'disconnected') return;
    if (!this.parts.server.isUp()) {
      this.scheduleReconnect(reconnectBackoffMs);
      return;
    }
    if (this.caller === undefined && !this.loadProvider()) return;
    this.connect();
  }

  /** Handles a message from the server. */
  receive(_from: string, message: Message): void {
    if (this.state === 'collaborating' || this.state === 'failed' || this.state === 'disconnected') return;
    switch (message.type) {
      case 'noSession':
        // A second answer on one connection (two startOvers came in a row, each asking once): this client is
        // already creating, and a second create would replace the session it is uploading for.
        if (this.state === 'creating' || this.state === 'create-sent' || this.state === 'establishing') return undefined;
        return this.createSession();
      case 'sessionPending':
        return this.enter('waiting', { kind: 'announcement', after: 'session-pending' });
      case 'sessionExists':
        this.sessionData = { session: message.session, content: message.content };
        return this.join(message.session.keyHint);
      case 'createAccepted':
        return this.upload();
      case 'createRejected':
        if (this.announcedHint !== undefined) return this.join(this.announcedHint);
        return this.enter('waiting', { kind: 'announcement', after: 'create-rejected' });
      case 'newSessionAvailable':
        return this.onAnnouncement(message.keyHint);
      case 'startOver':
        // A createSession in flight is answered after this (a connection is FIFO), against the freed
        // document: its answer says what to do next. Starting over here would drop that answer and leave the
        // client waiting for the very session the server has just made it the owner of.
        if (this.state === 'create-sent') return undefined;
        // Already starting over: its requestSession is on its way and will be answered against the freed document.
        if (this.state === 'requesting') return undefined;
        return this.connect();
      case 'authFailed':
        return this.disconnect(jwtReconnectBackoffMs, { kind: 'jwt', problem: message.message });
      // Messages a client sends, never receives.
      case 'requestSession':
      case 'refreshToken':
      case 'createSession':
      case 'uploadContent':
        return undefined;
      default:
        return assertNever(message, 'message');
    }
  }

  private loadProvider(): boolean {
    const instance = ++this.instance;
    const alive = (): boolean => this.instance === instance;
    const loaded = loadBrowserModules({ world: this.parts.world, clientId: this.id, clock: this.parts.clock, keyStore: this.parts.keyStore, alive, tokenClient: () => this.tokenClient() });
    if (!loaded.ok) {
      this.fail(loaded.failure);
      return false;
    }
    this.caller = loaded.caller;
    this.tokens = loaded.tokens;
    return true;
  }

  // A fresh join flow on the current connection: nothing learnt on an earlier one is trusted.
  private connect(): void {
    this.epoch++;
    this.created = undefined;
    this.announcedHint = undefined;
    this.heldKey = undefined;
    this.sessionData = undefined;
    this.enter('requesting', { kind: 'request-answer' });
    if (this.tokens === undefined) return this.send({ type: 'requestSession', documentId: this.documentId });
    this.tokens.fetch(
      (token) => this.send({ type: 'requestSession', documentId: this.documentId, token }),
      (token) => this.send({ type: 'refreshToken', documentId: this.documentId, token }),
    );
  }

  private tokenClient(): TokenClient {
    return {
      id: this.id,
      documentId: this.documentId,
      epoch: () => this.epoch,
      wantsRefresh: () => !this.parts.roster.isRaceOver() && this.state !== 'failed' && this.state !== 'disconnected',
      disconnectForJwt: (problem) => this.disconnect(jwtReconnectBackoffMs, { kind: 'jwt', problem }),
      waitingForToken: () => {
        this.waitingFor = { kind: 'token-provider' };
      },
    };
  }

  private scheduleReconnect(afterMs: number): void {
    const epoch = this.epoch;
    this.parts.world.queue.timer({
      key: `reconnect:${this.id}#${epoch}`,
      actor: this.id,
      resources: [this.id],
      delayMs: afterMs,
      action: () => {
        if (this.epoch === epoch) this.reconnect();
      },
    });
  }

  private createSession(): void {
    this.enter('creating', { kind: 'provider-answer', keyHint: null });
    this.ask(null, (answer) => {
      const { world } = this.parts;
      const epoch = this.epoch;
      const sealing = world.crypto.createSession(answer.key, this.initialContent, world.streams.get(`crypto:${this.id}`));
      world.hostWork.track(sealing, (outcome) => {
        if (world.closed || this.epoch !== epoch) return;
        if (!outcome.ok) return this.fail({ kind: 'encryption', operation: 'seal', error: String(outcome.error) });
        const session = outcome.value;
        this.created = { keyHint: answer.keyHint, key: answer.key, session };
        (this.createdKeys ??= new Map()).set(answer.keyHint, answer.key);
        this.send({ type: 'createSession', documentId: this.documentId, session: { keyHint: answer.keyHint, wrappedKey: session.wrappedKey, salt: session.salt } });
        this.enter('create-sent', { kind: 'create-answer' }, { key: answer.key, content: this.initialContent });
      });
    });
  }

  private upload(): void {
    if (this.created === undefined) return;
    this.send({ type: 'uploadContent', documentId: this.documentId, content: this.created.session.content });
    this.enter('establishing', { kind: 'own-announcement' });
  }

  private onAnnouncement(keyHint: string): void {
    // Stryker disable next-line OptionalChaining: a client establishing has always made its session ('created' is set)
    if (this.state === 'establishing' && this.created?.keyHint === keyHint) {
      this.enter('collaborating', { kind: 'nothing' }, { key: this.created.key, content: this.initialContent });
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
    this.enter('joining', { kind: 'provider-answer', keyHint });
    if (this.heldKey?.keyHint === keyHint) return this.completeJoin();
    this.ask(keyHint, (answer) => {
      this.heldKey = { keyHint, key: answer.key };
      this.completeJoin();
    });
  }

  private completeJoin(): void {
    if (this.heldKey === undefined) return;
    if (this.sessionData === undefined) {
      this.send({ type: 'requestSession', documentId: this.documentId });
      this.waitingFor = { kind: 'session-metadata' };
      return;
    }
    const { session, content } = this.sessionData;
    const { world } = this.parts;
    const held = this.heldKey;
    const epoch = this.epoch;
    world.hostWork.track(world.crypto.open(held.key, session.salt, session.wrappedKey, content), (outcome) => {
      if (world.closed || this.epoch !== epoch) return;
      if (!outcome.ok || !outcome.value.ok) {
        // Stryker disable next-line StringLiteral: unreachable: this branch runs only when the opening failed
        const reason = outcome.ok ? (outcome.value.ok ? '' : outcome.value.reason) : String(outcome.error);
        return this.fail({ kind: 'encryption', operation: 'open', keyHint: session.keyHint, reason });
      }
      this.enter('collaborating', { kind: 'nothing' }, { key: held.key, content: outcome.value.text });
    });
  }

  // A provider request that belongs to the current connection: its answer is dropped if the epoch moved on.
  private ask(keyHint: string | null, onAnswer: (answer: ValidAnswer) => void): void {
    const epoch = this.epoch;
    const current = (): boolean => this.epoch === epoch;
    // Stryker disable next-line OptionalChaining: a connected client always has its caller: a crash clears it only until the reconnect loads a new one
    this.caller?.request(this.documentId, keyHint, (answer) => current() && onAnswer(answer), (reason) => current() && this.fail({ kind: 'provider-gave-up', reason }), current);
  }

  // The world counts settled clients instead of scanning them all on every change (100,000 clients).
  private moveTo(state: ClientState): void {
    const was = settledStates.has(this.state);
    this.state = state;
    const is = settledStates.has(state);
    if (was !== is) this.parts.roster.settledChange(is ? 1 : -1);
  }

  private send(message: Message): void {
    this.parts.network.send(this.id, this.parts.server.id, message);
  }

  private enter(state: Exclude<ClientState, 'failed'>, waitingFor: WaitingReason, held?: { key: string; content: string }): void {
    this.moveTo(state);
    this.waitingFor = waitingFor;
    this.parts.world.emit({
      kind: 'state',
      actor: this.id,
      documentId: this.documentId,
      state,
      waitingFor,
      ...held,
    });
    if (state === 'collaborating') this.parts.roster.onSettled();
  }

  private fail(failure: ClientFailure): void {
    this.moveTo('failed');
    this.waitingFor = { kind: 'gave-up' };
    this.parts.world.emit({ kind: 'state', actor: this.id, documentId: this.documentId, state: 'failed', failure });
    this.parts.roster.onSettled();
  }
}

const settledStates: ReadonlySet<ClientState> = new Set(['collaborating', 'failed']);
