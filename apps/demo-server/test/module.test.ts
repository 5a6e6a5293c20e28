import { Body, Config, Food, Player, TARGET_FOOD_COUNT, WORLD_SIZE, worldSizeOf } from '@orrery/demo-shared'
import { createServer } from '@orrery/server'
import { describe, expect, it } from 'vitest'
import { createBlackholioModule } from '../src/module.js'
import { playerConnected } from '../src/rules/session.js'

/** Runs a server without a network for `ticks` ticks and returns its food layout, sorted. */
async function foodLayout(seed: number, options: { enterFirst: boolean; ticks: number; worldSize?: number }): Promise<number[][]> {
  const module = createBlackholioModule(options.worldSize === undefined ? {} : { worldSize: options.worldSize })
  const server = createServer({ module, seed, autoStart: false, logger: false })
  try {
    server.world.transaction(() => playerConnected(server.world, 'a'.repeat(64)))
    if (options.enterFirst) server.call('enterGame', { name: 'early' }, 'a'.repeat(64))
    for (let i = 0; i < options.ticks; i++) server.step()
    const out: number[][] = []
    server.world.query([Food, Body]).forEach((e) => {
      const b = server.world.get(e, Body)
      if (b !== undefined) out.push([b.x, b.y, b.mass])
    })
    return out.sort((p, q) => (p[0] as number) - (q[0] as number) || (p[1] as number) - (q[1] as number))
  } finally {
    await server.close()
  }
}

describe('the Blackholio module', () => {
  it('spawns 600 food within the first 500 ms once a player is connected', async () => {
    const layout = await foodLayout(5, { enterFirst: false, ticks: 10 })
    expect(layout).toHaveLength(TARGET_FOOD_COUNT)
  })

  it('the same seed gives the same food layout, whoever entered the game before', async () => {
    const a = await foodLayout(5, { enterFirst: false, ticks: 10 })
    const b = await foodLayout(5, { enterFirst: true, ticks: 10 })
    const c = await foodLayout(6, { enterFirst: false, ticks: 10 })
    expect(b).toEqual(a)
    expect(c).not.toEqual(a)
  })

  it('spawns no food while nobody is connected', async () => {
    const server = createServer({ module: createBlackholioModule(), seed: 1, autoStart: false, logger: false })
    try {
      for (let i = 0; i < 20; i++) server.step()
      expect(server.world.count(Player)).toBe(0)
      expect(server.world.count(Food)).toBe(0)
    } finally {
      await server.close()
    }
  })

  it('writes the world size into its Config row, and the rules spread food over that world', async () => {
    const server = createServer({ module: createBlackholioModule(), seed: 1, autoStart: false, logger: false })
    try {
      expect(server.world.count(Config)).toBe(1)
      expect(worldSizeOf(server.world)).toBe(WORLD_SIZE)
    } finally {
      await server.close()
    }
    const layout = await foodLayout(5, { enterFirst: false, ticks: 10, worldSize: 4000 })
    expect(layout).toHaveLength(TARGET_FOOD_COUNT)
    const xs = layout.map((p) => p[0] as number)
    const ys = layout.map((p) => p[1] as number)
    expect(Math.max(...xs, ...ys)).toBeGreaterThan(WORLD_SIZE)
    expect(Math.max(...xs, ...ys)).toBeLessThan(4000)
  })

  it('rejects a world size that is not an integer in [100, 1 000 000]', () => {
    for (const worldSize of [99, 1_000_001, 1000.5, Number.NaN]) {
      expect(() => createBlackholioModule({ worldSize })).toThrow(RangeError)
    }
  })
})
