import { describe, expect, it } from 'vitest';
import { defineLiveExports, functionBody, liveExportsName } from '../../src/providers/esm-body.ts';

// What esbuild's ESM bundles end with, made into a function body over `module`.
const run = (code: string): unknown => {
  const module = { exports: {} as Record<string, unknown> };
  new Function('module', liveExportsName, code)(module, defineLiveExports);
  return module.exports;
};

describe('an ESM bundle as a function body', () => {
  it("an ES entry's export clause becomes live getters, whatever comments follow it", () => {
    const body = functionBody('var a = 1;\nfunction b() { return a; }\nexport {\n  b as default,\n  a as "odd name"\n};\n/*! license\nexport { not: this } */\n//# sourceMappingURL=data:x\n', false);
    const exports = run(body.code) as { default: () => number; 'odd name': number };
    expect(exports.default()).toBe(1);
    expect(exports['odd name']).toBe(1);
    expect(Object.keys(exports)).toEqual(['default', 'odd name']);
  });

  it("a CommonJS entry's module.exports is the instance's exports, as a function or an app", () => {
    const body = functionBody('var require_app = () => Object.assign(function factory(env) { return env; }, { tag: 1 });\nexport default require_app();\n', true);
    const exports = run(body.code) as ((env: string) => string) & { tag: number };
    expect(exports('env')).toBe('env');
    expect(exports.tag).toBe(1);
  });

  it('a bundle without exports is left as it is', () => {
    expect(functionBody('console.log(1);\n', false).code).toBe('console.log(1);\n');
  });
});
