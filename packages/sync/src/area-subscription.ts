import type { Area } from '@orrery/protocol'

/** One served subscription of a client: its tables and, for an area subscription, the area and the position table. */
export interface ServedSubscription {
  readonly queryId: number
  /** Mask of the table ids it covers. */
  readonly tables: number
  /** The area, or null for whole tables. */
  readonly area: Area | null
  /** The table whose spatial position decides membership (area subscriptions), or -1. */
  readonly positionTable: number
}

/** The rectangle an entity must be inside to enter an area: the area grown by its margin. */
export function enterRect(area: Area): [minX: number, minY: number, maxX: number, maxY: number] {
  return [area.minX - area.margin, area.minY - area.margin, area.maxX + area.margin, area.maxY + area.margin]
}

/**
 * The default hysteresis of an area, in world units: a tenth of its larger side.
 *
 * @param area - the area
 */
export function defaultHysteresis(area: Area): number {
  return 0.1 * Math.max(area.maxX - area.minX, area.maxY - area.minY)
}
