import { describe, expect, it } from 'vitest'
import { followCamera, worldToScreen } from './camera.js'

describe('camera', () => {
  it('centres on the mass-weighted centre and eases toward the reference size', () => {
    const cam = { x: 0, y: 0, size: 50 }
    followCamera(
      cam,
      [
        { x: 0, y: 0, mass: 30 },
        { x: 100, y: 0, mass: 10 },
      ],
      500,
    )
    expect(cam.x).toBe(25)
    expect(cam.y).toBe(0)
    // target = 50 + 40 / 5 + 30 = 88; eased by min(1, 0.5 s · 2) = 1
    expect(cam.size).toBe(88)
  })

  it('looks at the world centre without circles', () => {
    const cam = followCamera({ x: 1, y: 1, size: 50 }, [], 16)
    expect(cam).toMatchObject({ x: 500, y: 500 })
  })

  it('maps the camera centre to the canvas centre, 2·size world units per height', () => {
    expect(worldToScreen({ x: 100, y: 100, size: 50 }, 800, 600, 100, 100)).toEqual({ sx: 400, sy: 300, scale: 6 })
    expect(worldToScreen({ x: 0, y: 0, size: 50 }, 800, 600, 10, -5)).toEqual({ sx: 460, sy: 270, scale: 6 })
  })
})
