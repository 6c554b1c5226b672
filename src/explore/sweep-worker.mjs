// The pool worker's fallback entry when no bundle can be written: it registers tsx's loader in the worker
// (loaders registered in the main thread do not reach worker threads), then loads the TypeScript entry.
import { register } from 'tsx/esm/api';

register();
const { default: runChunk } = await import('./sweep-worker-entry.ts');

export default runChunk;
