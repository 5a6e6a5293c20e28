import { generateIdentity } from '@orrery/auth'
import { connect, matchmake, type OrreryClient } from '@orrery/client'
import { liveComponents } from '@orrery/demo-shared'
import { auditReducers } from './audit-module.js'

type AuditClient = OrreryClient<typeof liveComponents, typeof auditReducers>

/**
 * One auditor per world: a client that records an increasing mark every `periodMs` (one acknowledged,
 * durable transaction each) and, after each reconnect, reads the mark back before going on. A mark read
 * back below the highest one acknowledged before the drop is an acknowledged transaction the world lost.
 */
export class Auditor {
  /** Acknowledged transactions missing after a reconnect. */
  lostAcked = 0
  /** Reconnects so far. */
  reconnects = 0
  /** `performance.now()` of each reconnect's first acknowledged mark. */
  readonly recoveredAt: number[] = []
  private acked = 0
  private next = 1
  private checkPending = false
  private timer: ReturnType<typeof setInterval> | null = null
  private busy = false

  private constructor(
    readonly worldId: string,
    private readonly client: AuditClient,
  ) {
    client.onReconnect(() => {
      this.reconnects++
      this.checkPending = true
    })
  }

  /**
   * Matchmakes into the world of `slot` (creating it) and starts marking.
   * @param address - a process to matchmake with
   * @param processes - every process's address (to follow the world)
   * @param slot - the world's `slot` metadata
   */
  static async start(address: string, processes: readonly string[], slot: number, periodMs = 100): Promise<Auditor> {
    const seat = await matchmake(address, 'blackholio', { slot })
    const client = await connect({
      url: address,
      world: seat.worldId,
      ticket: seat.ticket,
      worldUrl: seat.url,
      processes,
      components: liveComponents,
      reducers: auditReducers,
      identity: generateIdentity(),
      subscribe: [],
      // A failover takes a few seconds: reconnect attempts stay frequent.
      reconnect: { initialDelayMs: 100, maxDelayMs: 500, breakerThreshold: 1_000 },
    })
    const auditor = new Auditor(seat.worldId, client)
    auditor.timer = setInterval(() => void auditor.step(), periodMs)
    return auditor
  }

  private async step(): Promise<void> {
    if (this.busy) return
    this.busy = true
    try {
      if (this.checkPending) {
        const value = Number(await this.client.reducers.auditRead({}))
        this.checkPending = false
        this.lostAcked += Math.max(0, this.acked - value)
        this.acked = value
        this.next = Math.max(this.next, value + 1)
      }
      const n = this.next++
      await this.client.reducers.auditMark({ n })
      this.acked = n
      if (this.recoveredAt.length < this.reconnects) this.recoveredAt.push(performance.now())
    } catch {
      // A call in flight when the connection dropped fails; the next step goes on after the reconnect.
    } finally {
      this.busy = false
    }
  }

  /** Stops marking and disconnects. */
  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer)
    await this.client.disconnect()
  }
}
