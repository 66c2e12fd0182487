/** `npm test`: unit and integration suites in one run, so one JSON result covers both. */
module.exports = {
  projects: ['<rootDir>/jest.config.js', '<rootDir>/test/jest-int.config.js'],
  // Integration tests wait for queued work; a project-level testTimeout is ignored under `projects`.
  testTimeout: 30000,
};
