import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'bots/channels/*/static/**', 'services/console/static/**', 'tmp/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.cjs', '*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly', process: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      // Errors re-thrown with a clearer message keep the original text in the message.
      'preserve-caught-error': 'off',
      // Text normalisation strips control characters on purpose.
      'no-control-regex': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // Rule 5 of ARCHITECTURE.md: process.env is read in services/config only (and in test helpers).
    files: ['bots/**/*.ts', 'services/**/*.ts'],
    ignores: ['services/config/**'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through services/config.' }],
    },
  },
  {
    // Rule 1: the engine imports only itself.
    files: ['bots/engine/**/*.ts'],
    ignores: ['bots/engine/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['../*', '!../engine/*', 'i18next', 'pg', 'ioredis', 'bullmq', 'grammy', 'fastify', 'node:*'], message: 'bots/engine is pure: it imports only itself.' }] }],
    },
  },
);
