// GET /api/documents/:id/key            the key new sessions of the document should use, and its hint
// GET /api/documents/:id/key?keyHint=h  exactly the key issued under h (404 if there is none)
import { Router } from 'express';
import type { DocumentKeys } from '../models/document-keys.ts';

export function keysRouter(keys: DocumentKeys): Router {
  const router = Router();

  router.get('/:documentId/key', async (req, res) => {
    const { documentId } = req.params;
    const { keyHint } = req.query;
    if (keyHint === undefined) {
      res.json(await keys.forNewSession(documentId));
      return;
    }
    const issued = typeof keyHint === 'string' ? await keys.byHint(documentId, keyHint) : undefined;
    if (!issued) {
      res.status(404).json({ error: `no key ${String(keyHint)} for document ${documentId}` });
      return;
    }
    res.json(issued);
  });

  return router;
}
