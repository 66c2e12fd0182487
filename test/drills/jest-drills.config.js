/**
 * Drills: the built service as real API and worker processes, under restarts of Redis and Postgres, killed
 * workers, two workers sharing a queue and a poison ticket. Each suite brings its own database and queue
 * prefix (and its own Redis or Postgres server where it stops one), so it needs no global setup.
 */
module.exports = {
  displayName: 'drills',
  rootDir: '../..',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/drills'],
  testMatch: ['**/*.drill-spec.ts'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest'] },
  // The drills reach Redis through the service's queue port, which loads Nest packages published as ES modules.
  transformIgnorePatterns: [
    '/node_modules/(?!(@nestjs|file-type|load-esm|strtok3|token-types|@tokenizer|uint8array-extras|content-disposition)/)',
  ],
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Under the root config's `projects` this is ignored, so every drill also sets its own timeouts.
  testTimeout: 120000,
};
