// Lint: the recommended JavaScript and TypeScript rules, no unused code, and the layers' own rules
// that imports alone cannot show (the import rules are in .dependency-cruiser.cjs).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'bench/results/**', '.tmp/**', '.dependency-cruiser.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // The register's own scripts run in the browser (progressive enhancements of the pages).
    files: ['src/http/web/static/**/*.js'],
    languageOptions: { globals: { document: 'readonly', window: 'readonly', fetch: 'readonly', URLSearchParams: 'readonly', DOMParser: 'readonly' } },
  },
  {
    // Only src/data writes SQL: a use case asks a repository function by name.
    files: ['src/services/**/*.ts', 'src/http/**/*.ts', 'src/cli/**/*.ts', 'src/letters/**/*.ts', 'src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'kysely', importNames: ['sql'], message: 'Only src/data writes SQL: add a repository function.' }] }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name=/^(selectFrom|insertInto|updateTable|deleteFrom|selectNoFrom)$/]",
          message: 'Only src/data writes SQL: add a repository function.',
        },
      ],
    },
  },
);
