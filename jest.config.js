/** Unit tests: *.spec.ts beside the code, no services needed. */
module.exports = {
  displayName: 'unit',
  rootDir: '.',
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/scripts'],
  testMatch: ['**/*.spec.ts'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest'] },
  transformIgnorePatterns: [
    '/node_modules/(?!(@nestjs|file-type|load-esm|strtok3|token-types|@tokenizer|uint8array-extras|content-disposition)/)',
  ],
  moduleFileExtensions: ['ts', 'js', 'json'],
};
