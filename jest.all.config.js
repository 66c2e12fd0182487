/** `npm test`: unit, integration and drill suites in one run, so one JSON result covers them all. */
module.exports = {
  projects: ['<rootDir>/jest.config.js', '<rootDir>/test/jest-int.config.js', '<rootDir>/test/drills/jest-drills.config.js'],
  // Integration tests wait for queued work; a project-level testTimeout is ignored under `projects`.
  testTimeout: 30000,
};
