import { Body, Food, Player, TARGET_FOOD_COUNT } from '@orrery/demo-shared'
import { createServer } from '@orrery/server'
import { describe, expect, it } from 'vitest'
import { createBlackholioModule } from '../src/module.js'
import { playerConnected } from '../src/rules/session.js'

/** Runs a server without a network for `ticks` ticks and returns its food layout, sorted. */
async function foodLayout(seed: number, options: { enterFirst: boolean; ticks: number }): Promise<number[][]> {
  const server = createServer({ module: createBlackholioModule(), seed, autoStart: false, logger: false })
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
})
