import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import boundaries from 'eslint-plugin-boundaries';

/**
 * What each library may import (its core, without nest/; a library's nest/ glue may also import the nest/ glue of
 * these). The graph has no cycle; docs/architecture.md draws it. The service kit may import every library.
 */
const LIBRARY_DEPENDENCIES = {
  contracts: [],
  postgres: [],
  platform: ['postgres'],
  eventsourcing: ['postgres', 'platform'],
  idempotency: ['platform', 'postgres'],
  messaging: ['contracts', 'eventsourcing', 'platform', 'postgres'],
  privacy: ['contracts', 'idempotency', 'platform', 'postgres'],
  projections: ['contracts', 'eventsourcing', 'messaging', 'platform'],
  'read-api': ['platform', 'projections'],
  csv: ['eventsourcing', 'idempotency', 'platform', 'postgres', 'read-api'],
  timers: ['platform', 'postgres'],
};

/** Packages of frameworks and infrastructure: never in a domain. */
const RUNTIME_PACKAGES = [
  '@nestjs/*',
  'mongoose',
  'mongodb',
  'pg',
  'kafkajs',
  '@eventstore/*',
  'express',
  'class-validator',
  'class-transformer',
  'ajv',
];

const elements = (...types) => ({ element: { types: { anyOf: types } } });
const library = (type, lib) => ({ element: { type, captured: { lib } } });
const others = (name) =>
  Object.keys(LIBRARY_DEPENDENCIES).filter((lib) => lib !== name && !LIBRARY_DEPENDENCIES[name].includes(lib));

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
        {
          patterns: [{ group: ['**/services/*/**', '../../services/**'], message: 'A service never imports another service.' }],
          paths: [
            {
              name: 'class-validator',
              importNames: ['IsOptional'],
              message: 'IsOptional lets null through to handlers and event contracts: use Optional() from @crm/platform/nest.',
            },
          ],
        },
      ],
    },
  },
  {
    // Domain code is pure: no framework, no database, no I/O; of our libraries only the contracts (the language the
    // domain speaks), the rest as types only.
    files: ['services/*/src/domain/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: RUNTIME_PACKAGES, message: 'domain/ stays pure: no framework, database or I/O.' },
            {
              group: ['@crm/*', '!@crm/contracts'],
              allowTypeImports: true,
              message: 'domain/ imports only types from our libraries (values from @crm/contracts alone).',
            },
          ],
        },
      ],
    },
  },
  {
    // The layers of a service and the graph of the libraries, on the imports as the compiler resolves them.
    files: ['services/*/src/**/*.ts', 'libs/*/src/**/*.ts'],
    ignores: ['**/*.spec.ts', 'libs/*/src/testing/**'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { typescript: { project: 'tsconfig.json' } },
      'boundaries/elements': [
        { type: 'domain', pattern: 'services/*/src/domain', capture: ['service'] },
        { type: 'application', pattern: 'services/*/src/application', capture: ['service'] },
        { type: 'api', pattern: 'services/*/src/api', capture: ['service'] },
        { type: 'infrastructure', pattern: 'services/*/src/infrastructure', capture: ['service'] },
        { type: 'kit', pattern: 'libs/service-kit/src' },
        { type: 'lib-nest', pattern: 'libs/*/src/nest', capture: ['lib'] },
        { type: 'lib', pattern: 'libs/*/src', capture: ['lib'] },
      ],
    },
    rules: {
      // The files beside the layers (main.ts, the declaration, the application module) are the composition root:
      // they wire every layer, and nothing imports them.
      'boundaries/dependencies': [
        'error',
        {
          default: 'allow',
          policies: [
            {
              from: elements('domain'),
              disallow: { to: elements('application', 'api', 'infrastructure') },
              message: 'domain/ is the core of the service: it imports nothing of its other layers.',
            },
            {
              from: elements('application'),
              disallow: { to: elements('api', 'infrastructure') },
              message: 'application/ does not import api/ or infrastructure/ (infrastructure implements its ports).',
            },
            {
              from: elements('api'),
              disallow: { to: elements('infrastructure') },
              message: 'api/ imports application/, not infrastructure/.',
            },
            {
              from: elements('infrastructure'),
              disallow: { to: elements('api') },
              message: 'infrastructure/ does not import api/.',
            },
            {
              from: elements('lib'),
              disallow: { to: elements('lib-nest', 'kit') },
              message: "A library's core imports no Nest glue (that is under nest/).",
            },
            ...Object.keys(LIBRARY_DEPENDENCIES).map((name) => ({
              from: [library('lib', name), library('lib-nest', name)],
              disallow: [
                { to: elements('kit') },
                ...others(name).flatMap((lib) => [{ to: library('lib', lib) }, { to: library('lib-nest', lib) }]),
              ],
              message: `@crm/${name} may import only ${LIBRARY_DEPENDENCIES[name].map((lib) => `@crm/${lib}`).join(', ') || 'no other library'} (eslint.config.mjs, LIBRARY_DEPENDENCIES).`,
            })),
          ],
        },
      ],
    },
  },
);
