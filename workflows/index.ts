/** All workflows, for the worker's bundle. Deterministic code only (see DESIGN.md). */
export * from './evaluator-execution';
export * from './benchmark-execution';
export * from './export';
