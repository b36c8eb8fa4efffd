/** Unit specs live beside the maths (src, *.spec.ts); integration tests in test/ (*.test.ts). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
    // ml-regression's dependencies ship ES modules that Jest's CommonJS runtime must transpile.
    '^.+\\.js$': ['ts-jest', { diagnostics: false, tsconfig: { allowJs: true, isolatedModules: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(ml-[^/]+|is-any-array)/)'],
  setupFiles: ['reflect-metadata'],
  testTimeout: 60000,
};
