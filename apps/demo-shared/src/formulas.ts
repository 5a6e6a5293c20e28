import {
  MAX_CIRCLES_PER_PLAYER,
  MIN_MASS_TO_SPLIT,
  MINIMUM_SAFE_MASS_RATIO,
  START_PLAYER_MASS,
  START_PLAYER_SPEED,
} from './constants.js'

/**
 * Radius of a circle or food of the given mass.
 *
 * @param mass - mass, in mass units (≥ 0)
 * @returns the radius, in world units (√mass)
 * @example
 * massToRadius(16) // 4
 * @see reference `mass_to_radius`
 */
export function massToRadius(mass: number): number {
  return Math.sqrt(mass)
}

/**
 * Distance a circle of the given mass covers per move step (50 ms) at full speed.
 *
 * @param mass - mass of the circle, in mass units (> 0)
 * @returns world units per move step: `2 · 10 / (1 + √(mass / 15))`
 * @example
 * massToMaxMoveSpeed(15) // 10
 * @see reference `mass_to_max_move_speed`
 */
export function massToMaxMoveSpeed(mass: number): number {
  return (2 * START_PLAYER_SPEED) / (1 + Math.sqrt(mass / START_PLAYER_MASS))
}

/**
 * Whether two bodies overlap for eating: the centre of the smaller lies inside the bigger.
 *
 * @param ax - x of the first centre, in world units
 * @param ay - y of the first centre, in world units
 * @param aMass - mass of the first body
 * @param bx - x of the second centre, in world units
 * @param by - y of the second centre, in world units
 * @param bMass - mass of the second body
 * @returns true when `dx² + dy² ≤ max(rA, rB)²`
 * @example
 * isOverlapping(0, 0, 16, 3, 0, 2) // true: the distance 3 is within radius 4
 * @see reference `is_overlapping` (Rust server; the C# server uses ((rA + rB) · 0.9)² instead)
 */
export function isOverlapping(
  ax: number,
  ay: number,
  aMass: number,
  bx: number,
  by: number,
  bMass: number,
): boolean {
  const dx = ax - bx
  const dy = ay - by
  const r = Math.max(massToRadius(aMass), massToRadius(bMass))
  return dx * dx + dy * dy <= r * r
}

/**
 * Whether a circle of mass `consumerMass` may eat another player's circle of mass `otherMass`.
 *
 * @param otherMass - mass of the circle that would be eaten
 * @param consumerMass - mass of the circle that would eat it (> 0)
 * @returns true when `otherMass / consumerMass < 0.85`
 * @example
 * canConsume(16, 20) // true (0.8)
 * canConsume(17, 20) // false (0.85)
 * @see reference `move_all_players` (MINIMUM_SAFE_MASS_RATIO)
 */
export function canConsume(otherMass: number, consumerMass: number): boolean {
  return otherMass / consumerMass < MINIMUM_SAFE_MASS_RATIO
}

/**
 * Whether a circle of the given mass is heavy enough to split.
 *
 * @param mass - mass of the circle
 * @returns true when `mass ≥ 2 · MIN_MASS_TO_SPLIT` (60)
 * @example
 * canSplit(60) // true
 * @see reference `player_split`
 */
export function canSplit(mass: number): boolean {
  return mass >= MIN_MASS_TO_SPLIT * 2
}

/**
 * Half-height of the camera's view, in world units, for a player of the given total mass and circle count.
 *
 * @param totalMass - sum of the masses of the player's circles
 * @param circleCount - number of circles the player owns
 * @returns `50 + min(50, totalMass / 5) + min(max(circleCount − 1, 0), 1) · 30`
 * @example
 * cameraSize(15, 1) // 53
 * @see reference client `CameraController` (orthographic size)
 */
export function cameraSize(totalMass: number, circleCount: number): number {
  return 50 + Math.min(50, totalMass / 5) + Math.min(Math.max(circleCount - 1, 0), 1) * 30
}

/**
 * The steering vector the reference client sends for a pointer position.
 *
 * @param pointerX - pointer x, in CSS pixels from the viewport's left edge
 * @param pointerY - pointer y, in CSS pixels from the viewport's top edge (world y grows downward on screen)
 * @param viewportWidth - viewport width, in CSS pixels
 * @param viewportHeight - viewport height, in CSS pixels (> 0)
 * @returns `(pointer − screen centre) / (viewportHeight / 3)`, not clamped (the server clamps the speed to 1)
 * @example
 * pointerToDirection(500, 300, 800, 600) // { dirX: 0.5, dirY: 0 }
 * @see reference client `PlayerController.Update`
 */
export function pointerToDirection(
  pointerX: number,
  pointerY: number,
  viewportWidth: number,
  viewportHeight: number,
): { dirX: number; dirY: number } {
  const scale = viewportHeight / 3
  return { dirX: (pointerX - viewportWidth / 2) / scale, dirY: (pointerY - viewportHeight / 2) / scale }
}

/**
 * Whether a player with the given number of circles may split again.
 *
 * @param circleCount - number of circles the player owns
 * @returns true when the player owns fewer than 16 circles
 * @example
 * hasRoomToSplit(16) // false
 * @see reference `player_split`
 */
export function hasRoomToSplit(circleCount: number): boolean {
  return circleCount < MAX_CIRCLES_PER_PLAYER
}
