/** What an agent asks for: a steering direction (its length, clamped to 1, is the speed), a split, a respawn. */
export interface AgentIntentValue {
  readonly dirX: number
  readonly dirY: number
  readonly split: boolean
  readonly respawn: boolean
}

/**
 * Checks a behaviour's result: `{ dirX, dirY }` finite numbers, optional booleans `split` and `respawn`.
 *
 * @param value - the behaviour's result (parsed JSON)
 * @returns the intent, or `{ invalid }` saying what is wrong
 * @example
 * parseAgentIntent({ dirX: 1, dirY: 0 }) // { dirX: 1, dirY: 0, split: false, respawn: false }
 */
export function parseAgentIntent(value: unknown): AgentIntentValue | { readonly invalid: string } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { invalid: 'expected an object { dirX, dirY, split?, respawn? }' }
  const { dirX, dirY, split, respawn } = value as Record<string, unknown>
  if (typeof dirX !== 'number' || typeof dirY !== 'number' || !Number.isFinite(dirX) || !Number.isFinite(dirY)) {
    return { invalid: 'dirX and dirY must be finite numbers' }
  }
  if ((split !== undefined && typeof split !== 'boolean') || (respawn !== undefined && typeof respawn !== 'boolean')) {
    return { invalid: 'split and respawn must be booleans when given' }
  }
  return { dirX, dirY, split: split === true, respawn: respawn === true }
}
