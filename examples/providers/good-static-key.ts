// GOOD — one static key for every document, always with the same hint.
// The simplest provider the RTC docs describe: nothing to lose, nothing to race on.
import type { ProviderRequest } from '../../src/index.ts';

export default async function provider(_request: ProviderRequest) {
  return { key: 'correct horse battery staple', keyHint: 'static-2026' };
}
