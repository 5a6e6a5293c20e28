// `@orrery/behaviors/sandbox`: what runs in a browser too (no worker threads): the upload checks and one sandbox.
export { BehaviorError } from './behavior-error.js'
export type { BehaviorErrorCode } from './behavior-error.js'
export type { CallOutcome, FailureReason } from './call-outcome.js'
export { checkBehaviorCode } from './check-code.js'
export type { CodeReport } from './check-code.js'
export { DEFAULT_CODE_LIMITS, DEFAULT_SANDBOX_LIMITS, resolveSandboxLimits } from './limits.js'
export type { CodeLimits, SandboxLimits } from './limits.js'
export { loadQuickJS, Sandbox } from './sandbox.js'
