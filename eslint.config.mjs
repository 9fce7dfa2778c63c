import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.infra/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Not consistent-type-imports: Nest's dependency injection needs the runtime imports that
      // decorator metadata refers to, and the rule cannot see them.
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/services/*/**', '../../services/**'], message: 'A service never imports another service.' }] },
      ],
    },
  },
  {
    // Domain code is pure: no framework, no database, no I/O.
    files: ['services/*/src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@nestjs/*', 'mongoose', 'pg', 'kafkajs', '@eventstore/*', '**/infrastructure/**', '**/api/**', '**/application/**'], message: 'domain/ stays pure.' }] },
      ],
    },
  },
);
