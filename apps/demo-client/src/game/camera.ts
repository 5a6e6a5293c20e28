import { cameraSize, WORLD_SIZE } from '@orrery/demo-shared'

/** Where the camera looks: centre and half-height of the view, in world units. */
export interface Camera {
  /** Centre x, world units. */
  x: number
  /** Centre y, world units. */
  y: number
  /** Half the height of the view, world units (the reference's orthographic size). */
  size: number
}

/** A circle the camera follows: centre and mass. */
export interface FollowedCircle {
  /** Centre x, world units. */
  readonly x: number
  /** Centre y, world units. */
  readonly y: number
  /** Mass. */
  readonly mass: number
}

/**
 * Moves the camera for one frame: centred on the mass-weighted centre of the player's circles (the world's
 * centre when it has none), its size easing toward the reference camera size at rate 2/s.
 *
 * @param camera - the camera to update in place
 * @param circles - the local player's circles as drawn
 * @param dtMs - time since the previous frame, ms
 * @param worldSize - side of the world, world units: the camera looks at its centre while the player has no circle
 * @returns the same camera
 * @example
 * followCamera({ x: 0, y: 0, size: 50 }, [{ x: 10, y: 20, mass: 15 }], 16)
 * @see reference client `CameraController`
 */
export function followCamera(camera: Camera, circles: readonly FollowedCircle[], dtMs: number, worldSize: number = WORLD_SIZE): Camera {
  let total = 0
  let cx = 0
  let cy = 0
  for (const c of circles) {
    total += c.mass
    cx += c.x * c.mass
    cy += c.y * c.mass
  }
  if (total > 0) {
    camera.x = cx / total
    camera.y = cy / total
  } else {
    camera.x = worldSize / 2
    camera.y = worldSize / 2
  }
  const target = cameraSize(total, circles.length)
  camera.size += (target - camera.size) * Math.min(1, (dtMs / 1000) * 2)
  return camera
}

/**
 * Converts a world position to canvas pixels for a camera.
 *
 * @param camera - the camera
 * @param width - canvas width, px
 * @param height - canvas height, px (the view spans 2 · camera.size world units vertically)
 * @param x - world x
 * @param y - world y
 * @returns the pixel position and the pixels per world unit
 * @example
 * worldToScreen({ x: 0, y: 0, size: 50 }, 800, 600, 10, 0) // { sx: 460, sy: 300, scale: 6 }
 */
export function worldToScreen(
  camera: Camera,
  width: number,
  height: number,
  x: number,
  y: number,
): { sx: number; sy: number; scale: number } {
  const scale = height / (2 * camera.size)
  return { sx: (x - camera.x) * scale + width / 2, sy: (y - camera.y) * scale + height / 2, scale }
}
