// The layer rules of docs/architecture.md, checked on the full import graph — type-only imports included
// (tsPreCompilationDeps) — by `npm run lint`. ESLint checks the per-file rules (deterministic workflows, pure
// metrics and report); this file checks what needs the graph: cycles, who may reach whom, what the client loads.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'No cycle at all, not even through `import type`: a cycle makes layers impossible to reason about.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'sdk-is-a-client',
      comment:
        'The SDK calls client-side services only: never storage, activities, the worker or the model layer ' +
        '(remote mode will have none of them).',
      severity: 'error',
      from: { path: '^src/(sdk/|index\\.ts$)' },
      to: { path: '^(src/(db|worker|llm)/|activities/|workflows/)' },
    },
    {
      name: 'cli-is-a-client',
      comment:
        'The CLI calls the SDK and client-side services. `judgeflow worker` starts a worker process with the ' +
        'runtime flags of src/worker/runtime.ts (constants, no imports): that is the one file of src/worker/ it reads.',
      severity: 'error',
      from: { path: '^src/(cli/|cli\\.ts$)' },
      to: { path: '^(src/(db|llm)/|src/worker/(?!runtime\\.ts$)|activities/|workflows/)' },
    },
    {
      name: 'client-never-loads-the-worker',
      comment: 'Nothing the SDK or the CLI loads reaches @temporalio/worker (about +0.4 s and +15 MB per CLI call).',
      severity: 'error',
      from: { path: '^src/(index|cli)\\.ts$' },
      to: { path: 'node_modules/@temporalio/worker/', reachable: true },
    },
    {
      name: 'temporal-client-loaded-on-use',
      comment:
        'The Temporal client SDK (gRPC and the protobuf definitions, ~half of a CLI read) is loaded when a connection ' +
        'is made (src/temporal/connection.ts), never by a static import: a command that only reads PostgreSQL never ' +
        'loads it. Types are free; values go through `await import()`.',
      severity: 'error',
      from: { path: '^src/' },
      to: {
        path: 'node_modules/@temporalio/(client|proto)/',
        dynamic: false,
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'worker-sdk-only-in-the-worker',
      comment: 'Only src/worker/ builds a worker; activities may name its types (sinks).',
      severity: 'error',
      from: { path: '^src/(?!worker/)' },
      to: { path: 'node_modules/@temporalio/worker/' },
    },
    {
      name: 'services-start-workflows-by-name',
      comment:
        'Services and src/temporal/ start and signal workflows through workflows/definitions.ts (names, types, ' +
        'signals, queries, Updates), never through a workflow implementation, not even for its type.',
      severity: 'error',
      from: { path: '^src/(services|temporal)/' },
      to: { path: '^workflows/(?!definitions\\.ts$)' },
    },
    {
      name: 'activities-call-worker-side-services',
      comment: 'Activities run on the worker: they call worker-side (and common) services, never client-side ones.',
      severity: 'error',
      from: { path: '^activities/' },
      to: { path: '^src/services/client/' },
    },
    {
      name: 'worker-side-services-are-not-clients',
      comment: 'Worker-side and common services never reach client-side ones (nor the Temporal client).',
      severity: 'error',
      from: { path: '^src/services/(worker|common)/' },
      to: { path: '^(src/services/client/|node_modules/@temporalio/client/)' },
    },
    {
      name: 'client-side-services-do-not-run-worker-steps',
      comment: 'Client-side and common services never call worker-side steps: those run inside activities.',
      severity: 'error',
      from: { path: '^src/services/(client|common)/' },
      to: { path: '^src/services/worker/' },
    },
    {
      name: 'services-are-below-their-callers',
      comment: 'Services know nothing of the SDK, the CLI, activities, the worker or workflow code.',
      severity: 'error',
      from: { path: '^src/services/' },
      to: { path: '^(src/(sdk|cli|worker)/|src/(index|cli)\\.ts$|activities/)' },
    },
    {
      name: 'storage-knows-nothing-above-it',
      comment: 'src/db/ imports only itself, src/errors and src/shared/ (and its drivers).',
      severity: 'error',
      from: { path: '^src/db/' },
      to: { path: '^(src/(?!db/|errors\\.ts$|shared/)|activities/|workflows/|tools/|scripts/|test/)' },
    },
    {
      name: 'product-never-imports-tooling',
      comment: 'src/, workflows/ and activities/ never depend on tools/, scripts/ or test/.',
      severity: 'error',
      from: { path: '^(src|workflows|activities)/' },
      to: { path: '^(tools|scripts|test|examples)/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(\\.data|\\.tools|dist|coverage)/' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
