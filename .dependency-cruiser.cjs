// The layers and the direction of dependencies (docs/adr/0009-layout-and-use-cases.md), checked by
// `npm run lint`: http → services → domain + data; cli → services; nothing reaches past its neighbour,
// and no module imports itself through a loop.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import loop: modules that need each other belong together, or the shared part moves down a layer.',
      from: { path: '^src' },
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'The law is pure: src/domain imports only src/domain (and no I/O).',
      from: { path: '^src/domain' },
      to: { pathNot: ['^src/domain', '^node:'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'domain-no-io',
      severity: 'error',
      comment: 'The law does no I/O.',
      from: { path: '^src/domain' },
      to: { dependencyTypes: ['core'], path: '^(node:)?(fs|net|http|https|child_process|worker_threads)' },
    },
    {
      name: 'data-below-services',
      severity: 'error',
      comment: 'The data layer knows nothing of use cases, HTTP, letters or the command line.',
      from: { path: '^src/data' },
      to: { path: '^src/(services|http|cli|letters)' },
    },
    {
      name: 'services-below-http',
      severity: 'error',
      comment: 'Use cases know nothing of HTTP or the command line.',
      from: { path: '^src/services' },
      to: { path: '^src/(http|cli)' },
    },
    {
      name: 'routes-call-services',
      severity: 'error',
      comment: 'Routes and pages call services only: never the data layer, never a letter (services render letters).',
      from: { path: '^src/http' },
      to: { path: '^src/(data|letters)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'cli-calls-services',
      severity: 'error',
      comment: 'The command line calls services only.',
      from: { path: '^src/cli' },
      to: { path: '^src/(data|letters)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'letters-are-presentation',
      severity: 'error',
      comment: 'Letters lay out what a service gives them; they do not reach the database or the use cases.',
      from: { path: '^src/letters' },
      to: { path: '^src/(data|services|http|cli)/', dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
