import type { ModuleDef, OrreryServer } from '@orrery/server'
import { createFaultProxy, type FaultProxy } from '@orrery/tooling-chaos'
import type { BotProcess } from '../bot-runner.js'
import { ChaosDriver } from './chaos-driver.js'
import { checkReplica } from './replica-check.js'
import { type AppliedCalls, duplicateApplications, tallyReducers } from './reducer-tally.js'

/** Time between two faults on one bot's connection, ms (the driver spreads them over the bots). */
const FAULT_EVERY_PER_BOT_MS = 4_000

/** What `--chaos` adds to the headless report. */
export interface ChaosReport {
  /** Times the bots came back after a drop. */
  readonly reconnects: number
  /** Of those, sessions the server resumed from its history. */
  readonly resumedFromHistory: number
  /** Of those, fresh sessions re-synced from fresh rows. */
  readonly resumedFromSnapshot: number
  /** Bots whose replica differed from the server's world at the end. */
  readonly replicaMismatches: number
  /** Reducer calls the server applied more often than their bot sent them. */
  readonly duplicateReducerApplications: number
  /** Faults injected, rows found wrong or missing, and the first differences. */
  readonly chaos: {
    readonly cuts: number
    readonly stalls: number
    readonly wrongRows: number
    readonly missingRows: number
    readonly botsChecked: number
    readonly samples: readonly string[]
  }
}

/**
 * `--chaos`: a fault-injecting proxy between the bots and the server, a driver that cuts or stalls a bot's
 * connection every few seconds, counted reducer applications, and at the end a quiet moment in which every
 * bot's replica is compared with the server's world.
 */
export class ChaosRun {
  private readonly applied: AppliedCalls = new Map()
  private proxy: FaultProxy | null = null
  private driver: ChaosDriver | null = null

  /** The module with counting reducers. */
  wrap<M extends ModuleDef>(module: M): M {
    return tallyReducers(module, this.applied)
  }

  /**
   * Starts the proxy in front of the server.
   *
   * @returns the URL the bots connect to
   */
  async listen(serverPort: number): Promise<string> {
    this.proxy = await createFaultProxy({ targetPort: serverPort })
    return `ws://127.0.0.1:${this.proxy.port}`
  }

  /** Starts the faults (once the bots are in the game). */
  start(bots: number): void {
    if (this.proxy === null) return
    this.driver = new ChaosDriver(this.proxy, FAULT_EVERY_PER_BOT_MS / Math.max(1, bots))
    this.driver.start()
  }

  /**
   * Stops the faults, waits for the bots to be back, quiets them and the server, and compares replicas.
   *
   * @param server - the server (its tick loop is stopped here)
   * @param bots - the bot process
   * @param count - bots started
   * @param log - progress lines
   */
  async finish(server: OrreryServer, bots: BotProcess, count: number, log: (line: string) => void): Promise<ChaosReport> {
    this.driver?.stop()
    const counts = this.driver?.counts ?? { cuts: 0, stalls: 0 }
    // Stalled links were black-holed: cut what is left so every bot is on a fresh link.
    this.proxy?.cutAll()
    const deadline = performance.now() + 15_000
    while (performance.now() < deadline && (bots.latest()?.connected ?? 0) < count) await sleep(200)
    await sleep(1_500)
    await bots.quiesce()
    // A few ticks carry the last inputs' effects out, then the world stands still while the last frames land.
    await sleep(600)
    server.stop()
    await sleep(600)
    const snapshots = await bots.snapshots()
    let mismatches = 0
    let wrongRows = 0
    let missingRows = 0
    const samples: string[] = []
    for (const snapshot of snapshots) {
      const check = checkReplica(snapshot, server.world)
      if (check.wrongRows + check.missingRows > 0) mismatches++
      wrongRows += check.wrongRows
      missingRows += check.missingRows
      for (const s of check.samples) if (samples.length < 5) samples.push(s)
    }
    const summary = bots.latest()
    const report: ChaosReport = {
      reconnects: summary?.reconnects ?? 0,
      resumedFromHistory: summary?.resumedFromHistory ?? 0,
      resumedFromSnapshot: summary?.resumedFromSnapshot ?? 0,
      replicaMismatches: mismatches,
      duplicateReducerApplications: duplicateApplications(this.applied, summary?.calls ?? {}),
      chaos: { ...counts, wrongRows, missingRows, botsChecked: snapshots.length, samples },
    }
    log(`chaos: ${counts.cuts} cuts, ${counts.stalls} stalls, ${report.reconnects} reconnects, ${mismatches} replica mismatches`)
    return report
  }

  /** Closes the proxy. */
  async close(): Promise<void> {
    this.driver?.stop()
    await this.proxy?.close()
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
