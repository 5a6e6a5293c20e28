import type { ArgsSchema } from '@orrery/protocol'

/**
 * Argument schemas of the reducers that store behaviours and run agents (the server module and the
 * behaviour editor share them). Only a behaviour's author (or an operator) may change, roll back or assign it;
 * only an agent's owner (or an operator) may reassign or remove it.
 *
 * - `saveBehavior {name, description, code, tags}`: create a behaviour, or save a new version when the code changed.
 * - `rollbackBehavior {name, version}`: make an earlier version the current one.
 * - `spawnAgent {name, behavior, version}`: a new agent playing with a behaviour (version 0: follow the current one).
 * - `assignBehavior {agent, behavior, version}`: give an agent another behaviour or version (lifts a suspension).
 * - `removeAgent {agent}`: remove an agent and its circles.
 * - `agentStatus {report}`: the server records failures and suspensions (operators only).
 *
 * @example
 * await client.reducers.saveBehavior({ name: 'forager', description: 'eats', code, tags: 'sample' })
 */
export const behaviorReducers = {
  saveBehavior: { name: 'string', description: 'string', code: 'json', tags: 'string' },
  rollbackBehavior: { name: 'string', version: 'u32' },
  spawnAgent: { name: 'string', behavior: 'string', version: 'u32' },
  assignBehavior: { agent: 'string', behavior: 'string', version: 'u32' },
  removeAgent: { agent: 'string' },
  agentStatus: { report: 'json' },
} as const satisfies Record<string, ArgsSchema>

/** The type of {@link behaviorReducers}. */
export type BehaviorReducers = typeof behaviorReducers
