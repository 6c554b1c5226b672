import { resolve } from 'node:path';
import type { Plugin } from 'esbuild';
import { packageOfPath, pathInsidePackage } from './package-name.ts';

/**
 * Why compiled code cannot join a provider's bundle: it runs in the host process, outside the simulated
 * browser, where its clock, timers and randomness cannot be routed, and one copy would serve every browser.
 */
export const nativeAddonReason =
  'native code cannot be bundled into the simulated browser (rtc-sim gives every simulated browser its own copy of the packages a provider imports, so that their clock, timers and randomness follow the seed) — use a pure-JavaScript package instead';

/** Names what loads a native addon: `package "x" loads a native addon (build/addon.node)` or the provider's file. */
export function nativeAddonMessage(addonPath: string, loaderPath: string | undefined): string {
  const addonPackage = packageOfPath(addonPath);
  const loaderPackage = loaderPath === undefined ? undefined : packageOfPath(loaderPath);
  const owner = addonPackage ?? loaderPackage;
  const who = owner !== undefined ? `package "${owner}"` : (loaderPath ?? 'the provider');
  return `${who} loads a native addon (${pathInsidePackage(addonPath)}): ${nativeAddonReason}`;
}

/**
 * An esbuild plugin that turns an import of a `.node` file into a build error naming the package, instead
 * of esbuild's "No loader is configured for .node files".
 */
export const refuseNativeAddons: Plugin = {
  name: 'rtc-sim-refuse-native-addons',
  setup(build) {
    build.onResolve({ filter: /\.node$/ }, (args) => {
      const addonPath = args.path.startsWith('.') ? resolve(args.resolveDir, args.path) : args.path;
      return { errors: [{ text: nativeAddonMessage(addonPath, args.importer === '' ? undefined : args.importer) }] };
    });
  },
};
