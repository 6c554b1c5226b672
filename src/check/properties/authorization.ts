import { isHttpMessage } from '../../model/http-messages.ts';
import { checkerOf, type Checker } from '../violation.ts';

interface Admission {
  readonly documentId: string;
  /** Its token's role claim, when it has one (only `viewer` restricts). */
  readonly role: string | undefined;
  readonly tokenDocument: string | undefined;
}

const sessionData = new Set(['sessionExists', 'createAccepted', 'newSessionAvailable']);

/**
 * (h) With JWT authentication on: no client is given a session without a valid token for that document on
 * its current connection; a viewer never writes (creates or uploads a session); a token limited to document
 * A never opens document B.
 */
export function authorization(): Checker {
  const admitted = new Map<string, Admission>();
  return checkerOf('authorization', {
    auth: (record) => {
      if (record.ok) admitted.set(record.client, { documentId: record.documentId, role: record.role, tokenDocument: record.tokenDocument });
    },
    state: (record) => {
      if (record.state === 'disconnected' || record.state === 'failed') admitted.delete(record.actor);
    },
    session: (record) => {
      if (record.status === 'released' || admitted.get(record.owner)?.role !== 'viewer') return undefined;
      return { kind: 'viewer-wrote', client: record.owner, documentId: record.documentId, status: record.status };
    },
    deliver: (record) => {
      // Only the RTC server sends these message types, so their type alone says where they came from.
      if (isHttpMessage(record.message) || !sessionData.has(record.message.type)) return undefined;
      const admission = admitted.get(record.actor);
      if (admission === undefined) return { kind: 'session-without-token', client: record.actor, messageType: record.message.type, documentId: record.message.documentId };
      if (admission.tokenDocument !== undefined && admission.tokenDocument !== record.message.documentId) {
        return { kind: 'token-for-other-document', client: record.actor, tokenDocument: admission.tokenDocument, documentId: record.message.documentId };
      }
      return undefined;
    },
  });
}
