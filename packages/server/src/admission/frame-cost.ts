import { MessageType } from '@orrery/protocol'
import { frameTag } from '@orrery/protocol/internal'

/** What the expensive messages cost; see `ServerLimits.subscribeCost` and `refreshTokenCost`. */
export interface FrameCosts {
  readonly subscribeCost: number
  readonly refreshTokenCost: number
}

/**
 * The message tokens a frame of a signed-in session costs, priced from its tag before decoding: a Subscribe
 * may send a whole view, a RefreshToken signs a token; every other message costs 1.
 *
 * @param bytes - one frame, untrusted
 * @param costs - the prices
 * @returns the tokens to charge
 */
export function frameCost(bytes: Uint8Array, costs: FrameCosts): number {
  const tag = frameTag(bytes)
  if (tag === MessageType.Subscribe) return costs.subscribeCost
  if (tag === MessageType.RefreshToken) return costs.refreshTokenCost
  return 1
}
