/** `npm test`: unit and integration suites in one run, so one JSON result covers both. */
module.exports = {
  projects: ['<rootDir>/jest.config.js', '<rootDir>/test/jest-int.config.js'],
};
