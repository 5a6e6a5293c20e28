import { BehaviorError, checkBehaviorCode } from '@orrery/behaviors'
import type { Entity, World } from '@orrery/ecs'
import { BlackholioError } from '../errors.js'
import { validateName } from '../rules/player.js'
import { Behavior, BehaviorVersion } from './behavior-components.js'

/** Longest behaviour description, characters. */
export const MAX_DESCRIPTION_LENGTH = 280
/** Longest tag list, characters. */
export const MAX_TAGS_LENGTH = 128

/** Who may change what: operators may do anything; others only what they own. */
export interface AccessPolicy {
  isOperator(identity: string): boolean
}

/** @throws BlackholioError 'ERR_FORBIDDEN' unless `identity` is `owner` or an operator */
export function requireOwner(policy: AccessPolicy, identity: string, owner: string, what: string): void {
  if (identity !== owner && !policy.isOperator(identity)) {
    throw new BlackholioError('ERR_FORBIDDEN', `only the owner of ${what} or an operator may do this`)
  }
}

/** @throws BlackholioError 'ERR_UNKNOWN_BEHAVIOR' */
export function requireBehavior(world: World, name: string): Entity {
  const behavior = world.findUnique(Behavior, 'name', name)
  if (behavior === undefined) throw new BlackholioError('ERR_UNKNOWN_BEHAVIOR', `no behaviour named '${name}'`)
  return behavior
}

/**
 * The row of one version of a behaviour (0: its current version).
 * @throws BlackholioError 'ERR_UNKNOWN_BEHAVIOR' when there is no such version
 */
export function versionRow(world: World, behavior: Entity, version: number): Entity {
  const wanted = version === 0 ? world.read(behavior, Behavior, 'current') : version
  for (const row of world.findAll(BehaviorVersion, 'behavior', behavior)) {
    if (world.read(row, BehaviorVersion, 'version') === wanted) return row
  }
  throw new BlackholioError('ERR_UNKNOWN_BEHAVIOR', `behaviour '${world.read(behavior, Behavior, 'name')}' has no version ${wanted}`)
}

function checked(code: unknown): number {
  if (typeof code !== 'string') throw new BlackholioError('ERR_INVALID_BEHAVIOR', 'ERR_SYNTAX: the code must be a string')
  try {
    return checkBehaviorCode(code).complexity
  } catch (error) {
    if (error instanceof BehaviorError) throw new BlackholioError('ERR_INVALID_BEHAVIOR', `${error.code}: ${error.message}`, { cause: error })
    throw error
  }
}

function bounded(what: string, text: string, max: number): string {
  if (text.length > max) throw new BlackholioError('ERR_INVALID_BEHAVIOR', `the ${what} must be at most ${max} characters`)
  return text
}

/**
 * The `saveBehavior` reducer's effect: creates a behaviour (the caller is its author), or updates its
 * description and tags and, when the code differs from the newest version's, adds a version and makes it
 * current. Only the author or an operator may change an existing behaviour.
 *
 * @param world - the server world, inside a transaction
 * @param policy - who is an operator
 * @param caller - the caller's identity
 * @param input - name (≤ 32 characters), description (≤ 280), code (checked by `checkBehaviorCode`), tags (≤ 128)
 * @param timestamp - now, ms since epoch
 * @returns the current version after the save
 * @throws BlackholioError 'ERR_INVALID_NAME' | 'ERR_INVALID_BEHAVIOR' | 'ERR_FORBIDDEN'
 * @example
 * saveBehavior(world, policy, ctx.sender, { name: 'forager', description: '', code, tags: '' }, ctx.timestamp) // 1
 */
export function saveBehavior(
  world: World,
  policy: AccessPolicy,
  caller: string,
  input: { readonly name: string; readonly description: string; readonly code: unknown; readonly tags: string },
  timestamp: number,
): number {
  const name = validateName(input.name)
  if (name.length === 0) throw new BlackholioError('ERR_INVALID_NAME', 'a behaviour needs a name')
  const description = bounded('description', input.description, MAX_DESCRIPTION_LENGTH)
  const tags = bounded('tag list', input.tags, MAX_TAGS_LENGTH)
  const complexity = checked(input.code)
  const code = input.code as string
  let behavior = world.findUnique(Behavior, 'name', name)
  if (behavior === undefined) {
    behavior = world.create()
    world.add(behavior, Behavior, { name, author: caller, description, tags, current: 0, latest: 0, createdAt: timestamp, updatedAt: timestamp })
  } else {
    requireOwner(policy, caller, world.read(behavior, Behavior, 'author'), `behaviour '${name}'`)
    world.update(behavior, Behavior, { description, tags, updatedAt: timestamp })
  }
  const latest = world.read(behavior, Behavior, 'latest')
  if (latest === 0 || world.read(versionRow(world, behavior, latest), BehaviorVersion, 'code') !== code) {
    world.add(world.create(), BehaviorVersion, { behavior, version: latest + 1, code, complexity, author: caller, createdAt: timestamp })
    world.update(behavior, Behavior, { latest: latest + 1, current: latest + 1 })
  }
  return world.read(behavior, Behavior, 'current')
}

/**
 * The `rollbackBehavior` reducer's effect: makes an earlier (or any stored) version the current one.
 *
 * @param world - the server world, inside a transaction
 * @param policy - who is an operator
 * @param caller - the caller's identity (the author or an operator)
 * @param name - the behaviour's name
 * @param version - the version to make current (≥ 1)
 * @param timestamp - now, ms since epoch
 * @throws BlackholioError 'ERR_UNKNOWN_BEHAVIOR' | 'ERR_FORBIDDEN'
 * @example
 * rollbackBehavior(world, policy, ctx.sender, 'forager', 1, ctx.timestamp)
 */
export function rollbackBehavior(world: World, policy: AccessPolicy, caller: string, name: string, version: number, timestamp: number): void {
  const behavior = requireBehavior(world, name)
  requireOwner(policy, caller, world.read(behavior, Behavior, 'author'), `behaviour '${name}'`)
  if (version < 1) throw new BlackholioError('ERR_UNKNOWN_BEHAVIOR', 'versions count from 1')
  versionRow(world, behavior, version)
  world.update(behavior, Behavior, { current: version, updatedAt: timestamp })
}
