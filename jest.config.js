/** One `npm test` for everything: fast unit specs, then integration tests against real servers. */
// On the supported Node only (npm runs jest on the pinned one, node_modules/.bin/node).
require('./scripts/node-version').requireSupportedNode();
// kafkajs' harmless negative timeout (kafkajs#1751) would print once per test file; the services log it at debug
// (libs/platform logging/process-warnings.ts). Off in the workers, which inherit NODE_OPTIONS, and in this process,
// where jest runs a short list of files in band. Every other warning still prints.
process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --disable-warning=TimeoutNegativeWarning`.trim();
const [printWarning] = process.listeners('warning');
process.removeAllListeners('warning');
process.on('warning', (warning) => warning.name === 'TimeoutNegativeWarning' || printWarning?.(warning));

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
