import type { Area } from '@orrery/protocol'

/** Width over height of the view the bots subscribe as (a 1280×800 window). */
export const VIEW_ASPECT = 1280 / 800

/** World units of interest kept around the view, so circles entering the screen are already replicated. */
export const VIEW_MARGIN = 24

/**
 * The area of interest of a camera: the visible rectangle (the camera spans `2 × size` world units
 * vertically and `aspect` times that horizontally) plus {@link VIEW_MARGIN}.
 *
 * @param x - camera centre x, world units
 * @param y - camera centre y, world units
 * @param size - camera half-height, world units (see `cameraSize`)
 * @param aspect - view width over height (default {@link VIEW_ASPECT})
 * @returns the area to subscribe with
 * @example
 * viewArea(500, 500, 53) // { minX: 415.2, minY: 447, maxX: 584.8, maxY: 553, margin: 24 }
 */
export function viewArea(x: number, y: number, size: number, aspect = VIEW_ASPECT): Area {
  const halfW = size * aspect
  return { minX: x - halfW, minY: y - size, maxX: x + halfW, maxY: y + size, margin: VIEW_MARGIN }
}
