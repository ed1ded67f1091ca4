// Lint fails the build. Typed rules run through the TypeScript project service, and
// `no-restricted-imports` enforces the one-way layering of docs/architecture.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (files, forbidden, message) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: forbidden.map((group) => ({ group: [group], message })),
      },
    ],
  },
});

const upper = [
  '**/simulator/**',
  '**/simulator',
  '**/kafka/**',
  '**/kafka',
  '**/sources/**',
  '**/sources',
  '**/ui/**',
  '**/ui',
  '**/cli/**',
  '**/cli',
  '**/webview/**',
  '**/webview',
  '**/diagnostics/**',
  '**/diagnostics',
  '**/protocol/**',
  '**/protocol',
];

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      '.cache/**',
      'test/e2e/artifacts/**',
      '**/*.d.ts',
      '**/*.d.mts',
      'bench/results/**',
      'scripts/oracle/target/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'No default exports (house style).' },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { projectService: false },
      sourceType: 'module',
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        performance: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
      },
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['eslint.config.mjs'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  layer(
    ['src/model/**/*.ts'],
    [...upper, 'vscode', 'kafkajs', 'node:*'],
    'model is the bottom layer: it imports nothing else of ours, no vscode, no I/O.',
  ),
  layer(
    ['src/simulator/**/*.ts'],
    [
      '**/kafka/**',
      '**/sources/**',
      '**/ui/**',
      '**/cli/**',
      '**/webview/**',
      '**/protocol/**',
      '**/diagnostics/**',
      'vscode',
      'kafkajs',
      'node:*',
    ],
    'the simulator is pure: model only, no vscode, no network, no real timers.',
  ),
  layer(
    ['src/kafka/**/*.ts'],
    [
      '**/simulator/**',
      '**/sources/**',
      '**/ui/**',
      '**/cli/**',
      '**/webview/**',
      '**/protocol/**',
      '**/diagnostics/**',
      'vscode',
    ],
    'kafka/ depends on model only (and kafkajs).',
  ),
  layer(
    ['src/diagnostics/**/*.ts'],
    [
      '**/simulator/**',
      '**/kafka/**',
      '**/sources/**',
      '**/ui/**',
      '**/cli/**',
      '**/webview/**',
      '**/protocol/**',
      'vscode',
      'kafkajs',
      'node:*',
    ],
    'diagnostics are pure rules over snapshots: model only.',
  ),
  layer(
    ['src/protocol/**/*.ts'],
    [
      '**/simulator/**',
      '**/kafka/**',
      '**/sources/**',
      '**/ui/**',
      '**/cli/**',
      '**/webview/**',
      '**/diagnostics/**',
      'vscode',
      'kafkajs',
      'node:*',
    ],
    'protocol is shared by host and webview: model types only.',
  ),
  layer(
    ['src/sources/**/*.ts'],
    ['**/ui/**', '**/cli/**', '**/webview/**', '**/protocol/**', 'vscode'],
    'sources sit below ui and cli and never import vscode.',
  ),
  layer(
    ['src/cli/**/*.ts'],
    ['**/ui/**', '**/webview/**', '**/protocol/**', 'vscode'],
    'the CLI shares the engine, not the editor.',
  ),
  layer(
    ['src/webview/**/*.ts'],
    [
      '**/simulator/**',
      '**/kafka/**',
      '**/sources/**',
      '**/ui/**',
      '**/cli/**',
      '**/diagnostics/**',
      'vscode',
      'kafkajs',
      'node:*',
    ],
    'the webview sees only model types and the protocol.',
  ),
  layer(
    ['src/ui/**/*.ts'],
    ['**/webview/**', '**/cli/**'],
    'ui hosts the webview through the protocol only.',
  ),
);
