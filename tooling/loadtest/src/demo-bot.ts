// The default load-test script: each client is a Blackholio bot (the demo's own, see @orrery/demo-client/bots).
import { Bot, type WebSocketClass } from '@orrery/demo-client/bots'
import type { LoadScript } from './script.js'

const script: LoadScript = {
  async start({ url, name, WebSocket }) {
    const bot = new Bot({ url, name, WebSocket: WebSocket as unknown as WebSocketClass })
    try {
      await bot.start()
    } catch (error) {
      await bot.stop()
      throw error
    }
    return { rttMs: () => bot.stats.rttMs, stop: () => bot.stop() }
  },
}

export default script
