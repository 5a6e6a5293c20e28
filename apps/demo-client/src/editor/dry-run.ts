import { BehaviorError, type CallOutcome, checkBehaviorCode, loadQuickJS, Sandbox } from '@orrery/behaviors/sandbox'
import { buildView, Circle, captureFrame, Player } from '@orrery/demo-shared'
import type { Entity, World } from '@orrery/ecs'

/** A world state recorded for dry runs: the frame agents' views are built from, and who played in it. */
export interface RecordedState {
  /** The bodies, as the server's agents system captures them (see `captureFrame`). */
  readonly frame: Float64Array
  /** Players with circles then: entity and name. */
  readonly players: ReadonlyArray<{ readonly entity: Entity; readonly name: string }>
  /** When it was recorded, ms since epoch (the frozen clock of the dry run). */
  readonly at: number
}

/**
 * Records the replica's world for dry runs.
 *
 * @param world - the client's replica world (read only)
 * @param tick - the tick to stamp views with
 * @param at - now, ms since epoch
 * @returns the recorded state
 * @example
 * const state = recordState(client.replica.world, 0, Date.now())
 */
export function recordState(world: World, tick: number, at: number): RecordedState {
  const players: Array<{ entity: Entity; name: string }> = []
  world.query([Player]).forEach((e) => {
    if (world.findAll(Circle, 'playerId', e).length > 0) players.push({ entity: e, name: world.read(e, Player, 'name') })
  })
  players.sort((a, b) => a.name.localeCompare(b.name))
  return { frame: captureFrame(world, tick).slice(), players, at }
}

/** What a dry run gives: the view the behaviour saw and its outcome, or why the code was refused. */
export type DryRunResult =
  | { readonly ok: true; readonly view: string; readonly outcome: CallOutcome; readonly complexity: number }
  | { readonly ok: false; readonly error: string }

/**
 * Checks a behaviour and runs its `tick` once, in a sandbox with the server's limits, on the view one
 * player had in a recorded state: what it would do there, without saving anything.
 *
 * @param code - the script
 * @param state - from {@link recordState}
 * @param player - the player whose view to use
 * @param seed - the `Math.random` seed of the call
 * @returns the view and outcome, or the upload check's error (`CODE: message`)
 * @example
 * const result = await dryRun(code, recordState(world, 0, Date.now()), player, 1)
 */
export async function dryRun(code: string, state: RecordedState, player: Entity, seed: number): Promise<DryRunResult> {
  let complexity: number
  try {
    complexity = checkBehaviorCode(code).complexity
  } catch (error) {
    return { ok: false, error: error instanceof BehaviorError ? `${error.code}: ${error.message}` : String(error) }
  }
  const view = buildView(state.frame, String(player))
  let sandbox: Sandbox
  try {
    sandbox = new Sandbox(await loadQuickJS(), code)
  } catch (error) {
    return { ok: false, error: error instanceof BehaviorError ? `${error.code}: ${error.message}` : String(error) }
  }
  try {
    return { ok: true, view, outcome: sandbox.call(view, seed, state.at), complexity }
  } finally {
    sandbox.dispose()
  }
}
