// Lint rules, including the dependency rules of docs/architecture.md: they are enforced here, not by memory.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX, createNodeResolver } from 'eslint-plugin-import-x';
import prettier from 'eslint-config-prettier';

/** `no-restricted-imports` patterns (type-only imports allowed where said) for one layer. */
const onlyImports = (message, regex, allowTypeImports = false) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ regex, message, allowTypeImports }] }],
});

export default tseslint.config(
  // bin/ holds the command's shim (plain JavaScript: src/cli.ts through tsx in a clone, dist/ in a package).
  { ignores: ['node_modules/', '.data/', '.tools/', 'dist/', 'coverage/', 'bin/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  { languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } } },
  { files: ['**/*.js', '**/*.cjs', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: { module: 'writable' } } },
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // `!` after a lookup the code just made is clearer than a branch that cannot run.
      '@typescript-eslint/no-non-null-assertion': 'off',
      'import-x/no-cycle': 'error',
    },
  },
  {
    // A function longer than a screen hides its story: split it into named parts (docs/architecture.md).
    files: ['src/**/*.ts', 'workflows/**/*.ts', 'activities/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }] },
  },
  {
    // Tests guard their teardown against a failed set-up, read parsed export files (JSON of type any), and fake
    // activities are async to match the real ones whether or not they await.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Deterministic workflow code: the workflow SDK, side-effect-free shared contracts, and types.
    files: ['workflows/**/*.ts'],
    rules: {
      ...onlyImports(
        'workflows/ import only @temporalio/workflow, src/shared/ and `import type` (they must stay deterministic).',
        '^(?!@temporalio/workflow$|\\./|\\.\\./src/shared/)',
        true,
      ),
      'no-restricted-globals': ['error', { name: 'process', message: 'no process.env in workflows/.' }],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'use workflow time; no Date.now() ids in workflows/.' },
      ],
    },
  },
  {
    // The report renders plain data to HTML: no database, services or I/O (node:crypto hashes its script for the CSP).
    files: ['src/report/**/*.ts'],
    rules: onlyImports(
      'src/report/ renders plain data: it imports only itself, src/metrics/, src/shared/ and node:crypto.',
      '^(?!\\./|\\.\\./metrics/|\\.\\./shared/|node:crypto$)',
    ),
  },
  {
    // Side-effect-free contracts that workflows import.
    files: ['src/shared/**/*.ts'],
    rules: onlyImports(
      'src/shared/ imports only @temporalio/common and itself (workflows import it).',
      '^(?!@temporalio/common$|\\./)',
    ),
  },
  {
    // Storage knows nothing above it: no services, SDK, export formats, metrics or Temporal.
    files: ['src/db/**/*.ts'],
    rules: onlyImports(
      'src/db/ imports nothing above it: only itself, src/errors, src/shared/, pg, its cursor and COPY streams, and node-pg-migrate.',
      '^(?!\\./|\\.\\./errors$|\\.\\./shared/|pg$|pg-cursor$|pg-copy-streams$|node-pg-migrate$|node:)',
    ),
  },
  {
    // Pure maths (the bootstrap's seeded generator is pure too).
    files: ['src/metrics/**/*.ts'],
    rules: onlyImports(
      'src/metrics/ is pure: it imports only itself and pure-rand.',
      '^(?!\\./|pure-rand/generator/xoroshiro128plus$)',
    ),
  },
  {
    // The SDK calls services; it never reaches activities, workflows or the model layer.
    files: ['src/sdk/**/*.ts'],
    rules: onlyImports(
      'src/sdk/ never imports activities/, workflows/ or src/llm/: call a service instead.',
      '(^|/)(activities|workflows|llm)(/|$)',
    ),
  },
  {
    // Product code does not depend on test or dev tooling.
    files: ['src/**/*.ts', 'activities/**/*.ts'],
    ignores: ['src/shared/**', 'src/db/**', 'src/metrics/**', 'src/sdk/**', 'src/report/**'],
    rules: onlyImports(
      'src/ and activities/ never import tools/, scripts/ or test/.',
      '(^|/)(tools|scripts|test)(/|$)',
    ),
  },
  prettier,
);
