import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ioModules = [
  'axios', 'bullmq', 'ioredis', 'winston', 'express', 'prom-client', '@okta/okta-sdk-nodejs',
  'node:fs', 'node:fs/promises', 'node:http', 'node:https', 'node:net', 'node:child_process',
  'node:process', 'node:timers', 'node:timers/promises', 'fs', 'http', 'https', 'net', 'child_process',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '*.js', '*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-definitions': ['error', 'type'],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration', message: 'Use string unions, not enums.' }],
    },
  },
  {
    // The pure core: no network, no files, no queue, no clock, no logger.
    files: ['sync/**/*.ts', 'mappers/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ioModules.map((name) => ({ name, message: 'sync/ and mappers/ are the pure core: no I/O.' })),
        patterns: [
          { group: ['**/clients/**', '!**/clients/errors', '**/store/**', '**/worker/**', '**/jobs/**'], message: 'sync/ and mappers/ are the pure core: no I/O.' },
        ],
      }],
      'no-restricted-globals': ['error',
        { name: 'process', message: 'The pure core reads no environment.' },
        { name: 'fetch', message: 'The pure core does no I/O.' },
        { name: 'setTimeout', message: 'The pure core has no clock.' },
      ],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'Time comes in as a parameter.' }],
    },
  },
);
