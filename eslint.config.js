import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const forbiddenInWorkflows = [
  { name: 'pg', message: 'workflows/ must be deterministic: no database access (use an activity).' },
  { name: 'openai', message: 'workflows/ must be deterministic: no LLM calls (use an activity).' },
  ...['fs', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'net', 'url', 'util', 'stream', 'events'].flatMap(
    (m) => [
      { name: m, message: 'no Node built-ins in workflows/ (they are not deterministic).' },
      { name: `node:${m}`, message: 'no Node built-ins in workflows/ (they are not deterministic).' },
    ],
  ),
];

export default tseslint.config(
  { ignores: ['node_modules/', '.data/', '.tools/', 'dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: forbiddenInWorkflows, patterns: [{ group: ['pg/*', 'openai/*', 'node:*'], message: 'not in workflows/.' }] }],
      'no-restricted-globals': ['error', { name: 'process', message: 'no process.env in workflows/.' }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'use workflow time; no Date.now() ids in workflows/.' }],
    },
  },
);
