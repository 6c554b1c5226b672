import { describe, expect, it } from 'vitest';
import { describeDocuments, documentOfClient, drawDocuments } from '../../src/config/documents.ts';
import { drawConfig } from '../../src/config/swarm.ts';
import { forkStream } from '../../src/kernel/random.ts';

const spreadOf = (clients: number, documents: number, documentSpread: 'even' | 'blocks' | 'skewed') =>
  Array.from({ length: clients }, (_, index) => documentOfClient(index, { clients, documents, documentSpread })).join(' ');

describe('documents in the swarm', () => {
  it('spreads clients evenly in turn, in blocks, or skewed onto the first document; every document gets a client', () => {
    expect(spreadOf(5, 3, 'even')).toBe('d1 d2 d3 d1 d2');
    expect(spreadOf(5, 3, 'blocks')).toBe('d1 d1 d2 d2 d3');
    expect(spreadOf(5, 3, 'skewed')).toBe('d1 d1 d1 d2 d3');
    expect(spreadOf(3, 3, 'skewed')).toBe('d1 d2 d3');
    expect(documentOfClient(1, { clients: 3, documents: 2 })).toBe('d2');
    for (const spread of ['even', 'blocks', 'skewed'] as const) {
      for (let clients = 1; clients <= 7; clients++) {
        for (let documents = 1; documents <= clients; documents++) {
          expect(new Set(spreadOf(clients, documents, spread).split(' ')).size).toBe(documents);
        }
      }
    }
  });

  it('says the count and the spread', () => {
    expect(describeDocuments({ clients: 3, documents: 1, documentSpread: 'skewed' })).toBe('1 document');
    expect(describeDocuments({ clients: 4, documents: 2, documentSpread: 'skewed' })).toBe('2 documents (skewed: d1 ×3, d2 ×1)');
  });

  it('draws 1–3 documents by default, never more than clients, from its own stream', () => {
    const counts = new Set<number>();
    const spreads = new Set<string>();
    for (let seed = 1; seed <= 200; seed++) {
      const config = drawConfig(seed);
      counts.add(config.documents);
      spreads.add(config.documentSpread ?? 'even');
      expect(config.documents).toBeLessThanOrEqual(config.clients);
      expect({ documents: config.documents, documentSpread: config.documentSpread }).toEqual(drawDocuments(forkStream(seed, 'documents'), { clients: config.clients, pin: undefined, spreadPin: undefined, viewers: false }));
      // Pinning the documents shifts no other draw.
      const { documents: _documents, documentSpread: _spread, ...rest } = config;
      const { documents: _pinned, documentSpread: _pinnedSpread, ...pinnedRest } = drawConfig(seed, { documents: 2, documentSpread: 'blocks' });
      expect(pinnedRest).toEqual(rest);
    }
    expect([...counts].sort()).toEqual([1, 2, 3]);
    expect([...spreads].sort()).toEqual(['blocks', 'even', 'skewed']);
    expect(drawConfig(4, { clients: 1, documents: { min: 2, max: 3 } }).documents).toBe(1);
    expect(new Set(Array.from({ length: 50 }, (_, seed) => drawConfig(seed, { clients: 9, documents: { min: 4, max: 5 } }).documents))).toEqual(new Set([4, 5]));
    expect(drawConfig(4, { documents: 2 }).documents).toBe(2);
    // A viewer alone on a document could never create it: with viewers named, one document unless pinned.
    const auth = { mode: 'jwt', leewaySeconds: 30, tokenLifetimeSeconds: 300, viewers: ['c2'] } as const;
    expect(new Set(Array.from({ length: 30 }, (_, seed) => drawConfig(seed, { auth }).documents))).toEqual(new Set([1]));
    expect(drawConfig(4, { auth, documents: 2 }).documents).toBe(2);
  });
});
