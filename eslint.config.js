// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
  {
    // Domain code stays pure: no AWS SDK, no environment, no clock (docs: README "Layout").
    files: ['shared/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@aws-sdk/*', '@aws-lambda-powertools/*', '../adapters/*', '../runtime/*'] }],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Domain code takes configuration as parameters.' },
        { object: 'Date', property: 'now', message: 'Domain code takes the time as a parameter (Clock).' },
      ],
    },
  },
);
