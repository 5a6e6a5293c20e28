import variant from '@jitl/quickjs-wasmfile-release-sync'
import {
  newQuickJSWASMModuleFromVariant,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSSyncVariant,
  type QuickJSRuntime,
  type QuickJSWASMModule,
} from 'quickjs-emscripten-core'
import { BehaviorError } from './behavior-error.js'
import type { CallOutcome, FailureReason } from './call-outcome.js'
import { resolveSandboxLimits, type SandboxLimits } from './limits.js'
import { PRELUDE } from './prelude.js'

let modulePromise: Promise<QuickJSWASMModule> | null = null

/**
 * Loads the QuickJS WebAssembly module (once per thread; later calls share it).
 *
 * @returns the module every sandbox of this thread runs in (each sandbox is its own QuickJS runtime)
 * @example
 * const sandbox = new Sandbox(await loadQuickJS(), 'function tick() { return 1 }')
 */
export function loadQuickJS(): Promise<QuickJSWASMModule> {
  // The variant's types are declared as CommonJS; its ESM entry's default export is the variant itself.
  modulePromise ??= newQuickJSWASMModuleFromVariant(variant as unknown as QuickJSSyncVariant)
  return modulePromise
}

function classify(message: string, interrupted: boolean): FailureReason {
  if (interrupted) return 'interrupted'
  if (message.includes('out of memory')) return 'out-of-memory'
  if (message.includes('stack overflow')) return 'stack-overflow'
  return 'threw'
}

/**
 * One behaviour in its own QuickJS runtime: its own heap with a memory limit, its own stack limit, a CPU
 * budget per call enforced by an interrupt handler, and nothing of the host: no `process`, `require`,
 * module loader, timers, I/O or network, and no host object is ever passed in (input and output cross as
 * JSON text). `Math.random` is seeded per call and the clock is frozen at the time given, so the same
 * script, input, seed and time give the same result. Not thread-safe; use one per thread.
 *
 * @example
 * const sandbox = new Sandbox(await loadQuickJS(), 'function tick(v) { return { dirX: v.x > 500 ? -1 : 1, dirY: 0 } }')
 * sandbox.call('{"x":10}', 1, Date.now()) // { ok: true, value: { dirX: 1, dirY: 0 }, usedMs: 0.05 }
 * sandbox.dispose()
 */
export class Sandbox {
  readonly #module: QuickJSWASMModule
  readonly #code: string
  readonly #limits: SandboxLimits
  #runtime: QuickJSRuntime | null = null
  #context: QuickJSContext | null = null
  #run: QuickJSHandle | null = null
  #deadline = Number.POSITIVE_INFINITY
  #interrupted = false

  /**
   * Creates the runtime and evaluates the script (under the CPU budget).
   *
   * @param module - from {@link loadQuickJS}
   * @param code - the behaviour's script (it declares `function tick(view)`)
   * @param limits - memory (bytes), stack (bytes), CPU budget per call (ms), longest result (characters)
   * @throws BehaviorError `ERR_LOAD_FAILED` when the script throws or exceeds a limit while it is evaluated;
   *   `ERR_INVALID_OPTIONS` for a limit that is not a positive number
   */
  constructor(module: QuickJSWASMModule, code: string, limits: Partial<SandboxLimits> = {}) {
    this.#module = module
    this.#code = code
    this.#limits = resolveSandboxLimits(limits)
    this.#start()
  }

  #start(): void {
    const runtime = this.#module.newRuntime()
    runtime.setMemoryLimit(this.#limits.memoryBytes)
    runtime.setMaxStackSize(this.#limits.stackBytes)
    runtime.setInterruptHandler(() => {
      if (performance.now() <= this.#deadline) return false
      this.#interrupted = true
      return true
    })
    const context = runtime.newContext()
    this.#runtime = runtime
    this.#context = context
    try {
      const prelude = context.evalCode(PRELUDE, 'prelude.js')
      if (prelude.error !== undefined) {
        prelude.error.dispose()
        throw new BehaviorError('ERR_LOAD_FAILED', 'the sandbox prelude failed')
      }
      this.#run = prelude.value
      // Evaluating the script also compiles it: it gets ten calls' worth of budget (at least 50 ms).
      this.#arm(Math.max(50, 10 * this.#limits.cpuBudgetMs))
      const loaded = context.evalCode(this.#code, 'behavior.js', { strict: true })
      if (loaded.error !== undefined) {
        const message = this.#describe(loaded.error)
        throw new BehaviorError('ERR_LOAD_FAILED', `the script failed when evaluated (${classify(message, this.#interrupted)}): ${message}`)
      }
      loaded.value.dispose()
    } catch (error) {
      this.dispose()
      throw error
    } finally {
      this.#deadline = Number.POSITIVE_INFINITY
    }
  }

  #arm(budgetMs: number): void {
    this.#interrupted = false
    this.#deadline = performance.now() + budgetMs
  }

  /** A short description of an error handle (disposes it); never runs the script's code past the deadline. */
  #describe(handle: QuickJSHandle): string {
    const context = this.#context as QuickJSContext
    try {
      if (this.#interrupted) return 'interrupted'
      const dumped = context.dump(handle) as unknown
      if (dumped !== null && typeof dumped === 'object') {
        const { name, message } = dumped as { name?: unknown; message?: unknown }
        return `${String(name)}: ${String(message)}`.slice(0, 200)
      }
      return String(dumped).slice(0, 200)
    } catch {
      return 'an error that could not be described'
    } finally {
      handle.dispose()
    }
  }

  /**
   * Calls the script's `tick` with a view of the world.
   *
   * @param input - the view, as JSON text
   * @param seed - this call's `Math.random` seed (32-bit integer)
   * @param now - what `Date.now()` returns during the call, ms since epoch
   * @returns the result (parsed JSON) or the reason there is none, and the CPU time used, ms
   * @throws BehaviorError `ERR_LOAD_FAILED` when the sandbox was rebuilt after a failure and the script failed again
   */
  call(input: string, seed: number, now: number): CallOutcome {
    if (this.#context === null) this.#start()
    const context = this.#context as QuickJSContext
    const started = performance.now()
    this.#arm(this.#limits.cpuBudgetMs)
    const args = [context.newString(input), context.newNumber(seed | 0), context.newNumber(now), context.newNumber(this.#limits.maxResultLength)]
    let outcome: CallOutcome
    try {
      const result = context.callFunction(this.#run as QuickJSHandle, context.undefined, ...args)
      if (result.error === undefined) {
        const text = context.typeof(result.value) === 'string' ? context.getString(result.value) : 'ethe sandbox answered no text'
        result.value.dispose()
        outcome = this.#outcome(text, performance.now() - started)
      } else {
        const message = this.#describe(result.error)
        outcome = { ok: false, reason: classify(message, this.#interrupted), message, usedMs: performance.now() - started }
      }
    } finally {
      this.#deadline = Number.POSITIVE_INFINITY
      for (const arg of args) arg.dispose()
    }
    // A script stopped midway may have left its globals half-written, or its heap full: start it anew next time.
    if (!outcome.ok && (outcome.reason === 'interrupted' || outcome.reason === 'out-of-memory')) this.dispose()
    return outcome
  }

  #outcome(text: string, usedMs: number): CallOutcome {
    const body = text.slice(1)
    switch (text[0]) {
      case 'o':
        return { ok: true, value: JSON.parse(body) as unknown, usedMs }
      case 'b':
        return { ok: false, reason: 'result-too-large', message: `the result is ${body} characters of JSON, more than ${this.#limits.maxResultLength}`, usedMs }
      case 'n':
        return { ok: false, reason: 'invalid-result', message: body, usedMs }
      default:
        return { ok: false, reason: classify(body, false), message: body, usedMs }
    }
  }

  /** Frees the runtime; a later {@link Sandbox.call} starts it anew. Idempotent. */
  dispose(): void {
    if (this.#run?.alive === true) this.#run.dispose()
    this.#run = null
    this.#context?.dispose()
    this.#context = null
    this.#runtime?.dispose()
    this.#runtime = null
  }
}
