import { defineComponent } from '@orrery/ecs'

/**
 * A stored behaviour: its name (unique), author identity, description, tags (comma-separated), the version
 * agents run by default (`current`, changed by a rollback), the newest version (`latest`) and when it was
 * created and last changed (ms since epoch). Its code lives in {@link BehaviorVersion} rows. Server-only,
 * written only through reducers: every change is a commit (versioned, audited, time-travelable).
 *
 * @example
 * world.findUnique(Behavior, 'name', 'forager')
 */
export const Behavior = defineComponent(
  'Behavior',
  {
    name: 'string',
    author: 'string',
    description: 'string',
    tags: 'string',
    current: 'u32',
    latest: 'u32',
    createdAt: 'f64',
    updatedAt: 'f64',
  },
  { unique: ['name'] },
)

/**
 * One version of a behaviour's code (versions count from 1), with its measured complexity (cyclomatic),
 * who saved it and when (ms since epoch). Never changed once written. Server-only.
 *
 * @example
 * world.findAll(BehaviorVersion, 'behavior', behavior)
 */
export const BehaviorVersion = defineComponent(
  'BehaviorVersion',
  { behavior: 'entity', version: 'u32', code: 'string', complexity: 'u32', author: 'string', createdAt: 'f64' },
  { index: ['behavior'] },
)

/**
 * Marks a player entity as an agent: its name (unique), owner identity, behaviour and chosen version (0:
 * the behaviour's current one), whether it runs (`status` 'active' or 'suspended', with the `reason`), its
 * failed calls so far and the last failure's reason, and its `Math.random` seed. Server-only.
 *
 * @example
 * world.findUnique(Agent, 'name', 'forager-1')
 */
export const Agent = defineComponent(
  'Agent',
  {
    name: 'string',
    owner: 'string',
    behavior: 'entity',
    version: 'u32',
    status: 'string',
    reason: 'string',
    failures: 'u32',
    lastFailure: 'string',
    seed: 'u32',
  },
  { unique: ['name'] },
)

/**
 * The components of behaviours and agents (server-only).
 *
 * @example
 * defineModule({ serverComponents: [...behaviorComponents] })
 */
export const behaviorComponents = [Behavior, BehaviorVersion, Agent] as const

/** The identity an agent calls reducers as: `agent:` and its name (real identities are 64 hex digits). */
export function agentIdentity(name: string): string {
  return `agent:${name}`
}
