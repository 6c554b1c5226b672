// The package root, for paths to the package's own files (examples, scenarios, the CLI, the worker entry):
// found by walking up to rtc-sim's package.json, so the same from src/ through tsx and from a bundle.
export { packageRoot } from '../bin/self-bundle.mjs';
