// The package root, for paths to the package's own files (examples, scenarios, the CLI, the worker entry):
// found by walking up to rtc-sim's package.json, so the same from src/ through tsx, from a bundle and from dist/.
export { packageRoot, runsFromSources } from '../bin/self-bundle.mjs';
