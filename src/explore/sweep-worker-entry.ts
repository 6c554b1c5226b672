// What a pool worker runs: the chunk runner, with a provider's stray rejections reported instead of killing
// the worker. Bundled into plain JavaScript for the pool (see bin/self-bundle.mjs); sweep-worker.mjs loads it
// through tsx when no bundle can be written.
import { watchStrayRejections } from '../cli/stray-rejections.ts';
import { runChunk } from './sweep-chunk.ts';

const strays = watchStrayRejections((text) => process.stderr.write(`${text}\n`));
process.on('exit', () => {
  const summary = strays.summary();
  if (summary !== undefined) process.stderr.write(`${summary} (in a worker)\n`);
});

export default runChunk;
