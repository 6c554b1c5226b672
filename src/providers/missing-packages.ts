import type { Plugin } from 'esbuild';

const skip = Symbol('rtc-sim-missing-packages');

/**
 * An esbuild plugin that leaves out an npm package another package imports but that is not installed: an
 * optional dependency, loaded only on a path the code may never take (knex requires each SQL dialect's driver
 * inside that dialect). Node fails such a `require` only if it runs; so does the sandbox (instance-require.ts
 * refuses a package left out of the bundle, naming it). The user's own imports are still resolved strictly:
 * a package the user's file imports and that is missing stays a build error.
 */
export const leaveMissingOptionalPackages: Plugin = {
  name: 'rtc-sim-leave-missing-optional-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if ((args.pluginData as { [skip]?: boolean } | undefined)?.[skip] === true) return undefined;
      if (!args.importer.includes('/node_modules/') || args.path.startsWith('node:')) return undefined;
      const found = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { [skip]: true } });
      return found.errors.length > 0 ? { path: args.path, external: true } : undefined;
    });
  },
};
