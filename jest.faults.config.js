/**
 * The fault suite (npm run test:faults): real Redis, both sandboxes and worker processes built in
 * dist/, with seeded faults. Kept out of `npm test` for its length.
 * @type {import('jest').Config}
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/faults'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 240000,
};
