import { type BehaviorReducers, behaviorReducers } from '@orrery/demo-shared'
import { defineReducer, MODULE_IDENTITY, type ReducerDef } from '@orrery/server'
import { assignBehavior, recordAgentStatus, removeAgent, spawnAgent } from './agent-rules.js'
import { type AccessPolicy, rollbackBehavior, saveBehavior } from './behavior-store.js'

/**
 * Who may act on any behaviour or agent: the module itself (the server's own calls) and the given identities.
 *
 * @param operators - identities with the operator role
 * @returns the policy the behaviour reducers check
 * @example
 * operatorPolicy([adminIdentity]).isOperator(MODULE_IDENTITY) // true
 */
export function operatorPolicy(operators: readonly string[] = []): AccessPolicy {
  const set = new Set<string>([MODULE_IDENTITY, ...operators])
  return { isOperator: (identity) => set.has(identity) }
}

/**
 * The reducers that store behaviours and run agents (see `behaviorReducers` of the shared package), each a
 * transaction through the commit pipeline with the caller recorded.
 *
 * @param policy - who is an operator
 * @returns the reducer definitions by name
 * @example
 * defineModule({ reducers: { ...gameReducers, ...behaviorReducerDefs(operatorPolicy()) } })
 */
export function behaviorReducerDefs(policy: AccessPolicy): { readonly [K in keyof BehaviorReducers]: ReducerDef<BehaviorReducers[K]> } {
  return {
    saveBehavior: defineReducer(behaviorReducers.saveBehavior, (ctx, input) => ({
      version: saveBehavior(ctx.world, policy, ctx.sender, input, ctx.timestamp),
    })),
    rollbackBehavior: defineReducer(behaviorReducers.rollbackBehavior, (ctx, { name, version }) => {
      rollbackBehavior(ctx.world, policy, ctx.sender, name, version, ctx.timestamp)
    }),
    spawnAgent: defineReducer(behaviorReducers.spawnAgent, (ctx, input) => spawnAgent(ctx.world, policy, ctx.sender, input, ctx.timestamp, ctx.rng)),
    assignBehavior: defineReducer(behaviorReducers.assignBehavior, (ctx, input) => {
      assignBehavior(ctx.world, policy, ctx.sender, input)
    }),
    removeAgent: defineReducer(behaviorReducers.removeAgent, (ctx, { agent }) => {
      removeAgent(ctx.world, policy, ctx.sender, agent)
    }),
    agentStatus: defineReducer(behaviorReducers.agentStatus, (ctx, { report }) => {
      recordAgentStatus(ctx.world, policy, ctx.sender, report)
    }),
  }
}
