// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vitest from '@vitest/eslint-plugin';
import boundaries from 'eslint-plugin-boundaries';
import { layerBoundaries } from './eslint.layers.js';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', 'out/', '.local-state/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  ...layerBoundaries(boundaries),
  {
    // Domain code stays pure: no environment, no clock (its imports: eslint.layers.js).
    files: ['shared/domain/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Domain code takes configuration as parameters.' },
        { object: 'Date', property: 'now', message: 'Domain code takes the time as a parameter (Clock).' },
      ],
    },
  },
  {
    // Tests that can fail: every test asserts, titles are real, no assertion hidden behind
    // an `if` or a catch (a guard that throws is fine), no two tests of the same name, no test left focused or skipped
    // without a condition.
    files: ['tests/**/*.ts'],
    plugins: { vitest },
    rules: {
      'vitest/expect-expect': ['error', { assertFunctionNames: ['expect', 'expect*', 'fc.assert', '*.hasResourceProperties', '*.resourceCountIs', '*.hasResource', '*.hasOutput', '*.resourcePropertiesCountIs'] }],
      'vitest/valid-title': 'error',
      'vitest/valid-expect': ['error', { maxArgs: 2 }],
      'vitest/no-conditional-expect': 'error',
      'vitest/no-identical-title': 'error',
      'vitest/no-focused-tests': 'error',
      'vitest/no-disabled-tests': 'error',
      'vitest/no-standalone-expect': 'error',
      'vitest/no-done-callback': 'error',
    },
  },
);
