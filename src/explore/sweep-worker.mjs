// The entry a pool worker loads: it registers tsx's loader in the worker, then hands over to the TypeScript
// chunk runner. (Loaders registered in the main thread do not reach worker threads.)
import { register } from 'tsx/esm/api';

register();
const { runChunk } = await import('./sweep-chunk.ts');

export default runChunk;
