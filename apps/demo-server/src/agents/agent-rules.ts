import type { Entity, Rng, World } from '@orrery/ecs'
import { Circle, Player } from '@orrery/demo-shared'
import { BlackholioError } from '../errors.js'
import { enterGame, validateName } from '../rules/player.js'
import { playerConnected } from '../rules/session.js'
import { Agent, agentIdentity, Behavior } from './behavior-components.js'
import { type AccessPolicy, requireBehavior, requireOwner, versionRow } from './behavior-store.js'

/** Most agents a world holds. */
export const MAX_AGENTS = 2000

/** @throws BlackholioError 'ERR_UNKNOWN_AGENT' */
export function requireAgent(world: World, name: string): Entity {
  const agent = world.findUnique(Agent, 'name', name)
  if (agent === undefined) throw new BlackholioError('ERR_UNKNOWN_AGENT', `no agent named '${name}'`)
  return agent
}

function requireAssignable(world: World, policy: AccessPolicy, caller: string, behaviorName: string, version: number): Entity {
  const behavior = requireBehavior(world, behaviorName)
  requireOwner(policy, caller, world.read(behavior, Behavior, 'author'), `behaviour '${behaviorName}'`)
  versionRow(world, behavior, version)
  return behavior
}

/**
 * The `spawnAgent` reducer's effect: a new player (identity `agent:<name>`) that enters the game with the
 * name and plays with the behaviour; the caller owns the agent and must own the behaviour (or be an operator).
 *
 * @param world - the server world, inside a transaction
 * @param policy - who is an operator
 * @param caller - the caller's identity
 * @param input - agent name (≤ 32 characters), behaviour name, version (0: follow the current version)
 * @param timestamp - now, ms since epoch
 * @param rng - the transaction's rng (the agent's `Math.random` seed comes from it)
 * @returns the agent's player entity
 * @throws BlackholioError 'ERR_INVALID_NAME' | 'ERR_AGENT_EXISTS' | 'ERR_UNKNOWN_BEHAVIOR' | 'ERR_FORBIDDEN'
 * @example
 * spawnAgent(world, policy, ctx.sender, { name: 'forager-1', behavior: 'forager', version: 0 }, ctx.timestamp, ctx.rng)
 */
export function spawnAgent(
  world: World,
  policy: AccessPolicy,
  caller: string,
  input: { readonly name: string; readonly behavior: string; readonly version: number },
  timestamp: number,
  rng: Rng,
): Entity {
  const name = validateName(input.name)
  if (name.length === 0) throw new BlackholioError('ERR_INVALID_NAME', 'an agent needs a name')
  if (world.findUnique(Agent, 'name', name) !== undefined) throw new BlackholioError('ERR_AGENT_EXISTS', `an agent named '${name}' exists`)
  if (world.count(Agent) >= MAX_AGENTS) throw new BlackholioError('ERR_FORBIDDEN', `a world holds at most ${MAX_AGENTS} agents`)
  const behavior = requireAssignable(world, policy, caller, input.behavior, input.version)
  const identity = agentIdentity(name)
  const player = playerConnected(world, identity)
  enterGame(world, identity, name, timestamp)
  world.add(player, Agent, {
    name,
    owner: caller,
    behavior,
    version: input.version,
    status: 'active',
    reason: '',
    failures: 0,
    lastFailure: '',
    seed: rng.int(0, 0x7fffffff),
  })
  return player
}

/**
 * The `assignBehavior` reducer's effect: another behaviour or version for an agent (its owner or an
 * operator; the caller must also own the behaviour or be an operator). Lifts a suspension.
 *
 * @throws BlackholioError 'ERR_UNKNOWN_AGENT' | 'ERR_UNKNOWN_BEHAVIOR' | 'ERR_FORBIDDEN'
 * @example
 * assignBehavior(world, policy, ctx.sender, { agent: 'forager-1', behavior: 'hunter', version: 0 })
 */
export function assignBehavior(
  world: World,
  policy: AccessPolicy,
  caller: string,
  input: { readonly agent: string; readonly behavior: string; readonly version: number },
): void {
  const agent = requireAgent(world, input.agent)
  requireOwner(policy, caller, world.read(agent, Agent, 'owner'), `agent '${input.agent}'`)
  const behavior = requireAssignable(world, policy, caller, input.behavior, input.version)
  world.update(agent, Agent, { behavior, version: input.version, status: 'active', reason: '' })
}

/**
 * The `removeAgent` reducer's effect: destroys the agent's circles and its player (its owner or an operator).
 *
 * @throws BlackholioError 'ERR_UNKNOWN_AGENT' | 'ERR_FORBIDDEN'
 * @example
 * removeAgent(world, policy, ctx.sender, 'forager-1')
 */
export function removeAgent(world: World, policy: AccessPolicy, caller: string, name: string): void {
  const agent = requireAgent(world, name)
  requireOwner(policy, caller, world.read(agent, Agent, 'owner'), `agent '${name}'`)
  for (const circle of world.findAll(Circle, 'playerId', agent).slice()) world.destroy(circle)
  world.destroy(agent)
}

/** One line of an `agentStatus` report. */
export interface AgentStatusLine {
  /** The agent's name. */
  readonly agent: string
  /** Failed calls since the last report. */
  readonly failures?: number
  /** The last failure's reason and message. */
  readonly lastFailure?: string
  /** Set when the agent was suspended, with why. */
  readonly suspended?: string
}

/**
 * The `agentStatus` reducer's effect (operators only): adds failures to agents and records suspensions.
 * Lines naming unknown agents (removed meanwhile) are skipped.
 *
 * @throws BlackholioError 'ERR_FORBIDDEN' for a caller that is not an operator; 'ERR_INVALID_INPUT' for a malformed report
 * @example
 * recordAgentStatus(world, policy, MODULE_IDENTITY, [{ agent: 'loop-1', suspended: 'interrupted 3 times' }])
 */
export function recordAgentStatus(world: World, policy: AccessPolicy, caller: string, report: unknown): void {
  if (!policy.isOperator(caller)) throw new BlackholioError('ERR_FORBIDDEN', 'only operators record agent status')
  if (!Array.isArray(report)) throw new BlackholioError('ERR_INVALID_INPUT', 'the report is a list of { agent, failures, lastFailure, suspended }')
  for (const line of report as AgentStatusLine[]) {
    if (typeof line?.agent !== 'string') continue
    const agent = world.findUnique(Agent, 'name', line.agent)
    if (agent === undefined || !world.has(agent, Player)) continue
    if (typeof line.failures === 'number' && line.failures > 0) {
      world.set(agent, Agent, 'failures', world.read(agent, Agent, 'failures') + Math.floor(line.failures))
    }
    if (typeof line.lastFailure === 'string') world.set(agent, Agent, 'lastFailure', line.lastFailure.slice(0, 200))
    if (typeof line.suspended === 'string') world.update(agent, Agent, { status: 'suspended', reason: line.suspended.slice(0, 200) })
  }
}
