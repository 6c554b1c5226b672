import { assertNever } from '../kernel/assert-never.ts';
import type { EncryptedContent, WrappedSessionKey } from './crypto.ts';
import { describeHttpMessage, isHttpMessage, type HttpMessage } from './http-messages.ts';

/** Session metadata the server keeps in plain text: never the provider's key. */
export interface SessionMetadata {
  readonly keyHint: string;
  readonly wrappedKey: WrappedSessionKey;
  readonly salt: string;
}

/** The RTC protocol: messages between a client and the server (one websocket per client: FIFO each way). */
export type RtcMessage =
  | { readonly type: 'requestSession'; readonly documentId: string; readonly token?: string }
  /** The token was refused (`jwt` disconnect); `message` is the server's error text. */
  | { readonly type: 'authFailed'; readonly documentId: string; readonly message: string }
  /** A fresh token for the open connection, before the old one expires. */
  | { readonly type: 'refreshToken'; readonly documentId: string; readonly token: string }
  | { readonly type: 'noSession'; readonly documentId: string }
  | { readonly type: 'sessionPending'; readonly documentId: string }
  | {
      readonly type: 'sessionExists';
      readonly documentId: string;
      readonly session: SessionMetadata;
      readonly content: EncryptedContent;
    }
  | { readonly type: 'createSession'; readonly documentId: string; readonly session: SessionMetadata }
  | { readonly type: 'createAccepted'; readonly documentId: string }
  | { readonly type: 'createRejected'; readonly documentId: string }
  | { readonly type: 'uploadContent'; readonly documentId: string; readonly content: EncryptedContent }
  | { readonly type: 'newSessionAvailable'; readonly documentId: string; readonly keyHint: string }
  /** The session being established was abandoned by its creator: ask again, from a new key. */
  | { readonly type: 'startOver'; readonly documentId: string };

/** An RTC message: the name the rest of the model uses. */
export type Message = RtcMessage;

/** What the network carries: one union per protocol — the RTC websocket's, and HTTP to the integrator's backend. */
export type NetworkMessage = RtcMessage | HttpMessage;

/** One line describing any message on the network, for timelines. */
export function describeNetworkMessage(message: NetworkMessage): string {
  return isHttpMessage(message) ? describeHttpMessage(message) : describeMessage(message);
}

/** One line describing a message for timelines. */
export function describeMessage(message: Message): string {
  switch (message.type) {
    case 'createSession':
      return `createSession(keyHint ${JSON.stringify(message.session.keyHint)})`;
    case 'newSessionAvailable':
      return `newSessionAvailable(keyHint ${JSON.stringify(message.keyHint)})`;
    case 'sessionExists':
      return `sessionExists(keyHint ${JSON.stringify(message.session.keyHint)})`;
    case 'authFailed':
      return `authFailed(${JSON.stringify(message.message)})`;
    // The rest say all there is in their name.
    case 'requestSession':
    case 'refreshToken':
    case 'noSession':
    case 'sessionPending':
    case 'createAccepted':
    case 'createRejected':
    case 'uploadContent':
    case 'startOver':
      return message.type;
    default:
      return assertNever(message, 'message');
  }
}
