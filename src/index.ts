/** The public API of judgeflow. */
export { Judgeflow, type JudgeflowOptions } from './sdk/Judgeflow';
export { Dataset, type DatasetImportOptions } from './sdk/Dataset';
export { Benchmark, type CreateBenchmarkParams } from './sdk/Benchmark';
export { Criteria, type CreateCriteriaParams, type CriteriaLabel, type GroundTruthInput } from './sdk/Criteria';
export { Slice, type CreateSliceParams, type SliceFilter } from './sdk/Slice';
export {
  PromptEvaluator,
  type CreatePromptEvaluatorParams,
  type UpdatePromptEvaluatorParams,
  type PromptVersionParams,
} from './sdk/PromptEvaluator';
export { ConnectorConfig } from './sdk/ConnectorConfig';
export { BenchmarkSchedule } from './sdk/BenchmarkSchedule';
export type {
  ScheduleGate,
  ScheduleInfo,
  ScheduleOptions,
  ScheduleRunRecord,
  ScheduledExecuteOptions,
} from './services/client/schedules';
export { ConnectorConfigInUseError, type CreateConnectorConfigParams } from './services/client/connector-configs';
export {
  InvalidConnectorConfigError,
  type S3Credentials,
  type S3Options,
  type GcsCredentials,
  type GcsOptions,
} from './connectors/connector-spec';
export { SecretKeyError, SecretDecryptionError } from './connectors/secret-box';
export { ExportDestinationError } from './export/storage-errors';
export type {
  ExecuteOptions,
  ExecutionResult,
  ExecutionResults,
  ExecutionSummary,
} from './services/client/evaluator-executions';
export { BenchmarkExecution, compareExecutions } from './sdk/BenchmarkExecution';
export type { BenchmarkExecuteOptions } from './services/client/benchmark-executions';
export type { ExportOptions } from './services/client/exports';
export type { GateOptions, GateResult } from './services/common/gates';
export type { BenchmarkComparison } from './services/common/comparison';
export type { PromptChange, PromptFieldDiff } from './shared/prompt-changes';
export type { GateCheck, GateCheckName, GateThresholds } from './metrics/gate';
export { JsonExportConfig, CsvExportConfig, type CsvExportOptions } from './export/config';
export * from './errors';
export {
  ExportFailedError,
  InvalidCsvOptionError,
  InvalidDestinationError,
  InvalidExportConfigError,
  UnsupportedDestinationError,
} from './export/errors';
export type {
  Budget,
  ExecutionProgress,
  ExecutionSpend,
  ReportedSpend,
  ExecutionStatus,
  PauseState,
} from './shared/execution-contract';
export type { BenchmarkEstimate, EstimateOptions, ExecutionEstimate } from './services/client/estimates';
export type { BenchmarkProgress } from './shared/benchmark-contract';
export type { AgreementOptions, AgreementSummary, ConfusionMatrix, IntervalKey } from './metrics/agreement';
export type { BenchmarkSummary, EvaluatorAgreement } from './metrics/benchmark-summary';
export type { JuryOptions, JuryReport, JurorReport } from './services/client/jury';
export type { EscalationOptions, EscalationReport } from './services/client/escalation';
export type { VerdictFlipOptions, VerdictFlipReport, VerdictFlipRun } from './services/client/verdict-flips';
export { JURY_RULES, type JuryRule } from './metrics/jury';
export type { BootstrapMethod, Interval } from './metrics/bootstrap';
export type { LabelScores } from './metrics/per-label';
export type {
  ChangeVerdict,
  EvaluatorComparison,
  ExecutionComparison,
  MetricChange,
  PairedComparison,
} from './metrics/paired-comparison';
