/**
 * Layer rules checked by .ci/run (`npm run lint:deps`):
 * - the engine is a library: it imports nothing outside src/engine (no Nest, database, queue or Node I/O);
 * - platform/ is infrastructure: it imports no feature folder;
 * - no import cycles between feature folders.
 */
const FEATURES =
  '(intake|triage|helpdesk|outcomes|tickets|ticket-api|reports|pipeline|catalog|cause-models|privacy|audit|knowledge|products|model|evaluation)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'engine-is-a-library',
      comment: 'src/engine imports no other folder of the service (product knowledge comes in as plugins) ...',
      severity: 'error',
      from: { path: '^src/engine/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^src/', pathNot: '^src/engine/' },
    },
    {
      name: 'engine-does-no-io',
      comment: '... and neither Node built-ins nor the framework, database or queue packages.',
      severity: 'error',
      from: { path: '^src/engine/', pathNot: '\\.spec\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'engine-uses-no-framework',
      severity: 'error',
      from: { path: '^src/engine/', pathNot: '\\.spec\\.ts$' },
      to: { path: 'node_modules/(@nestjs|typeorm|bullmq|ioredis|pg|@fastify|fastify)/' },
    },
    {
      name: 'platform-imports-no-feature',
      comment: 'platform/ holds configuration, database, Redis, logging, metrics, auth and errors; features import it, never the reverse.',
      severity: 'error',
      from: { path: '^src/platform/', pathNot: '\\.spec\\.ts$' },
      to: { path: `^src/${FEATURES}/` },
    },
    {
      name: 'no-folder-cycles',
      comment: 'Folders depend on each other in one direction only.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^dist/|\\.spec\\.ts$|/testing/)' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
