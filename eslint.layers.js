// @ts-check
/**
 * The layers and which may import which (README "Layout"), checked by eslint-plugin-boundaries
 * on every import of shared/ and functions/. An import the table does not allow is a lint error.
 *
 *   domain     -> domain, data, lib                   pure rules: no AWS SDK, no Powertools
 *   data       -> data                                 tables only
 *   messages   -> messages, domain                     queue message schemas
 *   ports      -> ports, domain, messages, lib         interfaces the use cases take
 *   formats    -> formats, domain, data, lib           CSV/xlsx codecs over bytes: no AWS SDK
 *   use-cases  -> steps, domain, data, messages, ports, formats, lib (not another entry, adapters, runtime, AWS SDK)
 *   steps      -> as use-cases, but no entry use case
 *   adapters   -> adapters, ports, domain, data, messages, formats, lib, AWS SDK (not use-cases, runtime)
 *   runtime    -> anything in shared/ but use-cases (types only) and the wiring
 *   wiring     -> runtime, adapters, ports, domain, messages, lib; use-cases for types only
 *   functions  -> their own wiring, use-cases, messages, runtime (never an adapter, a port, the domain)
 */

/**
 * Element types by folder (a file belongs to the closest folder listed). Generic helpers that
 * know nothing of the project (retries, bounded concurrency) go in shared/lib/;
 * shared/runtime/concurrency.ts is one until it moves there (RUNTIME below).
 */
const ELEMENTS = [
  { type: 'domain', pattern: 'shared/domain' },
  { type: 'data', pattern: 'shared/data' },
  { type: 'messages', pattern: 'shared/messages' },
  { type: 'ports', pattern: 'shared/ports' },
  { type: 'formats', pattern: 'shared/formats' },
  { type: 'lib', pattern: 'shared/lib' },
  { type: 'steps', pattern: 'shared/use-cases/steps' },
  { type: 'use-cases', pattern: 'shared/use-cases' },
  { type: 'adapters', pattern: 'shared/adapters' },
  { type: 'wiring-common', pattern: 'shared/runtime/wiring/common' },
  { type: 'wiring', pattern: 'shared/runtime/wiring' },
  { type: 'runtime', pattern: 'shared/runtime' },
  { type: 'functions', pattern: 'functions/*', capture: ['fn'] },
].map((e) => ({ ...e, partialMatch: false }));

const to = (/** @type {string[]} */ ...types) => types.map((type) => ({ to: { element: { type } } }));
const valuesTo = (/** @type {string[]} */ ...types) => types.map((type) => ({ to: { element: { type } }, dependency: { kind: 'value' } }));
const AWS = [{ to: { module: { source: '@aws-sdk/**' } } }, { to: { module: { source: '@aws-lambda-powertools/**' } } }];
/** runtime, but for the concurrency helpers (a lib until they move to shared/lib/). */
const RUNTIME = { to: { element: { type: 'runtime', fileInternalPath: '!concurrency.ts' } } };
const NOT_LIB = ['messages', 'ports', 'formats', 'steps', 'use-cases', 'adapters', 'wiring', 'wiring-common', 'runtime', 'functions'];

/** What each layer must not import (anything else, external packages included, is allowed). */
const POLICIES = [
  { from: { element: { type: 'domain' } }, disallow: [...to(...NOT_LIB), ...AWS] },
  { from: { element: { type: 'data' } }, disallow: [...to('domain', 'lib', ...NOT_LIB), ...AWS] },
  { from: { element: { type: 'messages' } }, disallow: [...to('ports', 'formats', 'steps', 'use-cases', 'adapters', 'wiring', 'wiring-common', 'runtime', 'functions'), ...AWS] },
  { from: { element: { type: 'ports' } }, disallow: [...to('formats', 'steps', 'use-cases', 'adapters', 'wiring', 'wiring-common', 'runtime', 'functions'), ...AWS] },
  { from: { element: { type: 'formats' } }, disallow: [...to('messages', 'ports', 'steps', 'use-cases', 'adapters', 'wiring', 'wiring-common', 'runtime', 'functions'), ...AWS] },
  { from: { element: { type: 'use-cases' } }, disallow: [...to('adapters', 'wiring', 'wiring-common', 'functions'), RUNTIME, ...AWS] },
  { from: { element: { type: 'steps' } }, disallow: [...to('use-cases', 'adapters', 'wiring', 'wiring-common', 'functions'), RUNTIME, ...AWS] },
  { from: { element: { type: 'adapters' } }, disallow: [...to('steps', 'use-cases', 'wiring', 'wiring-common', 'functions'), RUNTIME] },
  { from: { element: { type: 'runtime' } }, disallow: [...valuesTo('use-cases', 'steps'), ...to('wiring', 'wiring-common', 'functions')] },
  { from: { element: { type: 'wiring-common' } }, disallow: [...valuesTo('use-cases', 'steps'), ...to('wiring', 'functions')] },
  { from: { element: { type: 'wiring' } }, disallow: [...valuesTo('use-cases', 'steps'), ...to('wiring', 'functions')] },
  {
    from: { element: { type: 'functions' } },
    disallow: [
      ...to('domain', 'data', 'ports', 'formats', 'steps', 'adapters', 'wiring-common', 'lib'),
      // A handler's wiring is its own: shared/runtime/wiring/<function folder>.ts.
      { to: { element: { type: 'wiring', fileInternalPath: '!{{ from.captured.fn }}.ts' } } },
      { to: { module: { source: '@aws-sdk/**' } } },
    ],
  },
];

/**
 * The flat-config blocks: the boundaries plugin on shared/ and functions/, resolving the
 * project's extensionless TypeScript imports.
 * @param {import('eslint').ESLint.Plugin} plugin eslint-plugin-boundaries
 */
export function layerBoundaries(plugin) {
  return [{
    files: ['shared/**/*.ts', 'functions/**/*.ts'],
    plugins: { boundaries: plugin },
    settings: {
      'import/resolver': { node: { extensions: ['.ts', '.js'] } },
      'boundaries/elements': ELEMENTS,
    },
    rules: {
      'boundaries/dependencies': ['error', { default: 'allow', checkAllOrigins: true, policies: POLICIES }],
    },
  }, {
    // An entry use case calls steps, never another entry (the plugin sees one folder as one
    // element).
    files: ['shared/use-cases/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{
        group: ['./*', '!./steps', '!./steps/*'],
        message: 'An entry use case does not call another entry: move what both need into shared/use-cases/steps/.',
      }] }],
    },
  }];
}
