import { matchmake } from '@orrery/client'
import { Bot } from '@orrery/demo-client/bots'

/** The bots of the cluster demo, each matchmade into a world. */
export interface ClusterBots {
  readonly bots: readonly { readonly bot: Bot; readonly worldId: string }[]
  readonly failures: readonly string[]
}

/**
 * Starts `count` bots: bot i matchmakes with process `i % processes` into the world of slot `i % worlds`,
 * then connects to it (following it if it moves) and enters the game.
 */
export async function startClusterBots(addresses: readonly string[], count: number, worlds: number, staggerMs = 50): Promise<ClusterBots> {
  const bots: { bot: Bot; worldId: string }[] = []
  const failures: string[] = []
  const starts: Promise<void>[] = []
  for (let i = 0; i < count; i++) {
    const address = addresses[i % addresses.length]!
    starts.push(
      (async () => {
        const seat = await matchmake(address, 'blackholio', { slot: i % worlds })
        const bot = new Bot({
          url: address,
          name: `bot-${i + 1}`,
          world: { world: seat.worldId, ticket: seat.ticket, worldUrl: seat.url, processes: addresses },
        })
        bots.push({ bot, worldId: seat.worldId })
        await bot.start()
      })().catch((error: unknown) => {
        failures.push(`bot ${i + 1}: ${error instanceof Error ? error.message : String(error)}`)
      }),
    )
    await new Promise((resolve) => setTimeout(resolve, staggerMs))
  }
  await Promise.all(starts)
  return { bots, failures }
}
