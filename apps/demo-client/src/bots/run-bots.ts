import { join } from 'node:path'
import { type KeyIdentity, loadOrCreateIdentity } from '@orrery/auth'
import { createFileIdentityStorage } from '@orrery/auth/node'
import { Bot } from './bot.js'
import type { BotOptions, BotStats } from './bot-types.js'

/** Options of {@link runBots}. */
export interface RunBotsOptions {
  /** The server's WebSocket URL. */
  readonly url: string
  /** Number of bots. */
  readonly count: number
  /** Name prefix; bot i is named `${prefix}${i + 1}`. Default 'bot-'. */
  readonly namePrefix?: string
  /** Delay between two bot starts, ms (spreads the handshakes). Default 50. */
  readonly staggerMs?: number
  /** Folder of the bots' identity files (`<name>.json`, 0600 in a 0700 folder): a restarted bot is the same player. Default: fresh guest keys. */
  readonly identityDir?: string
  /** Options passed to every bot. */
  readonly bot?: Omit<BotOptions, 'url' | 'name' | 'identity'>
}

/** A running group of bots. */
export interface BotGroup {
  /** The bots, in start order. */
  readonly bots: readonly Bot[]
  /** Bots whose start failed, with the reason. */
  readonly failures: readonly string[]
  /** Each bot's stats. */
  stats(): BotStats[]
  /** Stops every bot and closes its connection. */
  stop(): Promise<void>
}

/**
 * Starts `count` bots against a server, one after another; a bot that fails to start is reported in
 * `failures` and the others go on.
 *
 * @param options - URL, count and bot behaviour, see {@link RunBotsOptions}
 * @returns the group, once every bot has started or failed
 * @example
 * const group = await runBots({ url: 'ws://127.0.0.1:3000', count: 8 })
 * await new Promise((r) => setTimeout(r, 10_000))
 * await group.stop()
 */
export async function runBots(options: RunBotsOptions): Promise<BotGroup> {
  const bots: Bot[] = []
  const failures: string[] = []
  const stagger = options.staggerMs ?? 50
  const starts: Promise<void>[] = []
  for (let i = 0; i < options.count; i++) {
    const name = `${options.namePrefix ?? 'bot-'}${i + 1}`
    let identity: KeyIdentity | undefined
    if (options.identityDir !== undefined) {
      try {
        identity = await loadOrCreateIdentity(createFileIdentityStorage(join(options.identityDir, `${name}.json`)))
      } catch (error) {
        failures.push(`bot ${i + 1}: ${error instanceof Error ? error.message : String(error)}`)
        continue
      }
    }
    const bot = new Bot({ ...options.bot, url: options.url, name, ...(identity === undefined ? {} : { identity }) })
    bots.push(bot)
    starts.push(
      bot.start().catch((error: unknown) => {
        failures.push(`bot ${i + 1}: ${error instanceof Error ? error.message : String(error)}`)
      }),
    )
    if (stagger > 0 && i < options.count - 1) await new Promise((resolve) => setTimeout(resolve, stagger))
  }
  await Promise.all(starts)
  return {
    bots,
    failures,
    stats: () => bots.map((b) => b.stats),
    stop: async () => {
      await Promise.all(bots.map((b) => b.stop()))
    },
  }
}
