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
 * Whether a position keeps an entity that is already in the view: inside the area grown by its margin
 * plus the hysteresis, so an entity near the border does not enter and leave on alternate ticks.
 *
 * @param area - the area
 * @param hysteresis - world units added beyond the margin for leaving
 * @param x - the entity's x, world units
 * @param y - the entity's y, world units
 */
export function insideLeaveRect(area: Area, hysteresis: number, x: number, y: number): boolean {
  const pad = area.margin + hysteresis
  return x >= area.minX - pad && x <= area.maxX + pad && y >= area.minY - pad && y <= area.maxY + pad
}

/**
 * The default hysteresis of an area, in world units: a tenth of its larger side.
 *
 * @param area - the area
 */
export function defaultHysteresis(area: Area): number {
  return 0.1 * Math.max(area.maxX - area.minX, area.maxY - area.minY)
}
