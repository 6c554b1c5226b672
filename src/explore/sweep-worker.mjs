// The entry a pool worker loads: it registers tsx's loader in the worker, then hands over to the TypeScript
// chunk runner. (Loaders registered in the main thread do not reach worker threads.)
import { register } from 'tsx/esm/api';

register();
const { runChunk } = await import('./sweep-chunk.ts');
const { watchStrayRejections } = await import('../cli/stray-rejections.ts');

// A provider's stray rejection must not kill the worker; it is reported once the worker is done.
const strays = watchStrayRejections((text) => process.stderr.write(`${text}\n`));
process.on('exit', () => {
  const summary = strays.summary();
  if (summary !== undefined) process.stderr.write(`${summary} (in a worker)\n`);
});

export default runChunk;
