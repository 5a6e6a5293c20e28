import { WORLD_SIZE } from '@orrery/demo-shared'
import { type Camera, worldToScreen } from './camera.js'
import { colorFor } from './colors.js'
import type { RenderState } from './render-state.js'

/** Grid spacing of the background, world units. */
const GRID_STEP = 50

/**
 * Draws one frame: background grid, world border, food, circles (smallest first, with names) and the bodies
 * being eaten.
 *
 * @param ctx - the canvas 2D context (its transform maps CSS pixels)
 * @param width - canvas width, CSS px
 * @param height - canvas height, CSS px
 * @param camera - the camera
 * @param state - the drawn bodies
 * @param names - display name by player entity
 * @param worldSize - side of the world, world units (the replica's `worldSizeOf`)
 * @example
 * drawFrame(ctx, innerWidth, innerHeight, camera, state, names)
 */
export function drawFrame(
  ctx: CanvasRenderingContext2D,
  width: number,
  height: number,
  camera: Camera,
  state: RenderState,
  names: ReadonlyMap<number, string>,
  worldSize: number = WORLD_SIZE,
): void {
  ctx.fillStyle = '#0b0e17'
  ctx.fillRect(0, 0, width, height)
  const origin = worldToScreen(camera, width, height, 0, 0)
  const scale = origin.scale

  ctx.strokeStyle = '#1a2033'
  ctx.lineWidth = 1
  ctx.beginPath()
  // Only the grid lines on screen: a large world has thousands.
  const first = Math.max(0, Math.floor(Math.min(-origin.sx, -origin.sy) / scale / GRID_STEP) * GRID_STEP)
  const last = Math.min(worldSize, Math.max(width - origin.sx, height - origin.sy) / scale)
  for (let g = first; g <= last; g += GRID_STEP) {
    const p = origin.sx + g * scale
    const q = origin.sy + g * scale
    ctx.moveTo(p, origin.sy)
    ctx.lineTo(p, origin.sy + worldSize * scale)
    ctx.moveTo(origin.sx, q)
    ctx.lineTo(origin.sx + worldSize * scale, q)
  }
  ctx.stroke()
  ctx.strokeStyle = '#5b6aa0'
  ctx.lineWidth = 2
  ctx.strokeRect(origin.sx, origin.sy, worldSize * scale, worldSize * scale)

  const visible = (sx: number, sy: number, r: number): boolean =>
    sx + r >= 0 && sy + r >= 0 && sx - r <= width && sy - r <= height

  // Food and not-yet-classified bodies first, then circles from the smallest up.
  const circles: { e: number; x: number; y: number; radius: number; owner: number }[] = []
  for (const [e, b] of state.bodies) {
    if (b.kind === 'circle') {
      circles.push({ e, x: b.x, y: b.y, radius: b.radius, owner: b.owner })
      continue
    }
    const sx = origin.sx + b.x * scale
    const sy = origin.sy + b.y * scale
    const r = Math.max(1, b.radius * scale)
    if (!visible(sx, sy, r)) continue
    ctx.fillStyle = colorFor(e, 65)
    ctx.beginPath()
    ctx.arc(sx, sy, r, 0, Math.PI * 2)
    ctx.fill()
  }
  for (const d of state.dying.values()) {
    const sx = origin.sx + d.x * scale
    const sy = origin.sy + d.y * scale
    const r = d.radius * scale
    if (r <= 0 || !visible(sx, sy, r)) continue
    ctx.globalAlpha = 0.7
    ctx.fillStyle = d.kind === 'circle' ? colorFor(d.owner) : '#8fa0d8'
    ctx.beginPath()
    ctx.arc(sx, sy, r, 0, Math.PI * 2)
    ctx.fill()
    ctx.globalAlpha = 1
  }
  for (const c of state.predicted) {
    const sx = origin.sx + c.x * scale
    const sy = origin.sy + c.y * scale
    const r = Math.max(2, c.radius * scale)
    if (!visible(sx, sy, r)) continue
    ctx.globalAlpha = c.opacity
    ctx.fillStyle = colorFor(c.owner)
    ctx.beginPath()
    ctx.arc(sx, sy, r, 0, Math.PI * 2)
    ctx.fill()
    ctx.globalAlpha = 1
  }
  circles.sort((a, b) => a.radius - b.radius)
  ctx.textAlign = 'center'
  ctx.textBaseline = 'middle'
  for (const c of circles) {
    const sx = origin.sx + c.x * scale
    const sy = origin.sy + c.y * scale
    const r = Math.max(2, c.radius * scale)
    if (!visible(sx, sy, r)) continue
    ctx.fillStyle = colorFor(c.owner)
    ctx.strokeStyle = colorFor(c.owner, 35)
    ctx.lineWidth = Math.max(1, r * 0.08)
    ctx.beginPath()
    ctx.arc(sx, sy, r, 0, Math.PI * 2)
    ctx.fill()
    ctx.stroke()
    const name = names.get(c.owner)
    if (name !== undefined && name !== '' && r >= 10) {
      ctx.fillStyle = '#ffffff'
      ctx.font = `600 ${Math.max(10, Math.min(28, r * 0.45))}px system-ui, sans-serif`
      ctx.fillText(name, sx, sy)
    }
  }
}
