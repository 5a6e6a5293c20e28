import type { SystemDef } from './module.js'
import type { TransactionCaller, TransactionRunner } from './transaction-runner.js'

/**
 * The module's systems and the ticks they run at: a system with `everyMs` runs every
 * `round(everyMs / tick period)` ticks (at least every tick), one without it every tick, in the module's order,
 * each in a transaction of its own.
 */
export class SystemSchedule {
  private readonly systems: readonly { readonly def: SystemDef; readonly everyTicks: number }[]

  /**
   * @param systems - the module's systems
   * @param periodMs - the tick period, ms
   */
  constructor(systems: readonly SystemDef[], periodMs: number) {
    this.systems = systems.map((def) => ({ def, everyTicks: Math.max(1, Math.round((def.everyMs ?? periodMs) / periodMs)) }))
  }

  /**
   * Runs the systems due at `tick`. A system that throws is rolled back and reported; the others still run.
   *
   * @param tick - the tick being run
   * @param runner - runs each system in a transaction
   * @param caller - the module's caller (its identity and logger)
   * @param onError - told of a system that threw, with its name and the tick
   */
  run(tick: number, runner: TransactionRunner, caller: TransactionCaller, onError: (error: unknown, name: string, tick: number) => void): void {
    for (const { def, everyTicks } of this.systems) {
      if (tick % everyTicks !== 0) continue
      try {
        runner.run(caller, 'system', def.name, (ctx) => def.run(ctx))
      } catch (error) {
        onError(error, def.name, tick)
      }
    }
  }
}
