/** One `npm test` for everything: fast unit specs, then integration tests against real servers. */
// On the supported Node only (npm runs jest on the pinned one, node_modules/.bin/node).
require('./scripts/node-version').requireSupportedNode();
// kafkajs' harmless negative timeout warning, off in jest and its workers (scripts/known-warnings.js).
require('./scripts/known-warnings').silenceHarmlessWarnings();

const transform = { '^.+\\.ts$': ['@swc/jest'] };
const common = { transform, testEnvironment: 'node', moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/{libs,services}/*/src/**/*.spec.ts',
        '<rootDir>/scripts/*.spec.js',
        '<rootDir>/test/architecture/*.spec.ts',
      ],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{libs,services}/*/test/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
      globalSetup: '<rootDir>/test/global-setup.js',
      setupFilesAfterEnv: ['<rootDir>/test/integration-setup.js'],
    },
  ],
};
