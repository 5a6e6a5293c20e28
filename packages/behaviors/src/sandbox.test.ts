import { afterEach, describe, expect, it } from 'vitest'
import type { CallOutcome, FailureReason } from './call-outcome.js'
import { loadQuickJS, Sandbox } from './sandbox.js'

const module = await loadQuickJS()
const open: Sandbox[] = []
afterEach(() => {
  for (const s of open.splice(0)) s.dispose()
})

function sandbox(code: string, cpuBudgetMs = 50): Sandbox {
  const s = new Sandbox(module, code, { cpuBudgetMs, memoryBytes: 1024 * 1024 })
  open.push(s)
  return s
}

function run(code: string, input: unknown = { x: 1 }, cpuBudgetMs = 50): CallOutcome {
  return sandbox(code, cpuBudgetMs).call(JSON.stringify(input), 7, 1_700_000_000_000)
}

function failure(outcome: CallOutcome): { reason: FailureReason; message: string } {
  if (outcome.ok) throw new Error(`expected a failure, got ${JSON.stringify(outcome.value)}`)
  return { reason: outcome.reason, message: outcome.message }
}

/** The hostile scripts of the package README: none escapes, none stops the caller, each gives a reason. */
const HOSTILE: ReadonlyArray<readonly [string, string, FailureReason]> = [
  ['an endless loop', 'function tick() { while (true) {} }', 'interrupted'],
  ['a slow regular expression', 'function tick() { return /(a+)+$/.test("a".repeat(40) + "b") }', 'interrupted'],
  ['deep recursion', 'function f(n) { return f(n + 1) + 1 } function tick() { return f(0) }', 'stack-overflow'],
  ['a memory bomb', 'function tick() { const a = []; for (;;) a.push([a.length, 2, 3, 4]) }', 'out-of-memory'],
  ['a memory bomb in a global', 'const kept = []; function tick() { for (;;) kept.push({ n: kept.length }) }', 'out-of-memory'],
  ['a huge return value', 'function tick() { return "x".repeat(100000) }', 'result-too-large'],
  ['a function as result', 'function tick() { return () => 1 }', 'invalid-result'],
  ['throwing a number', 'function tick() { throw 42 }', 'threw'],
  ['throwing null', 'function tick() { throw null }', 'threw'],
  ['throwing a hostile getter', 'function tick() { throw { get name() { while (true) {} } } }', 'threw'],
  ['an Error with a looping message getter', 'function tick() { const e = new Error("x"); Object.defineProperty(e, "message", { get() { for (;;) {} } }); throw e }', 'interrupted'],
  ['require', 'function tick() { return require("fs") }', 'threw'],
  ['process', 'function tick() { return process.exit(1) }', 'threw'],
  ['a cyclic result', 'function tick() { const a = {}; a.a = a; return a }', 'threw'],
]

describe('Sandbox against hostile scripts', () => {
  for (const [what, code, reason] of HOSTILE) {
    it(`${what}: ${reason}`, () => {
      // A memory bomb gets time enough to reach the memory limit on a loaded machine.
      const outcome = failure(run(code, { x: 1 }, reason === 'out-of-memory' ? 5000 : 50))
      expect(outcome.reason).toBe(reason)
      expect(outcome.message.length).toBeLessThanOrEqual(200)
    })
  }

  it('sees none of the host: no process, require, module loader, timers, fetch or host globals', () => {
    const outcome = run(`function tick() {
      const g = (0, eval)('this')
      return [typeof process, typeof require, typeof module, typeof setTimeout, typeof setInterval, typeof fetch,
        typeof queueMicrotask, typeof WebAssembly, typeof Buffer, typeof performance, typeof WeakRef,
        Object.getOwnPropertyNames(g).filter((n) => /process|require|node|host|worker|post|global/i.test(n))]
    }`)
    expect(outcome).toMatchObject({ ok: true, value: ['undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined', ['globalThis']] })
  })

  it('a Function built from a prototype reaches only the sandbox', () => {
    const outcome = run(`function tick() {
      const F = (() => 0).constructor
      const g = F('return this')()
      const Obj = ({}).constructor.constructor('return typeof process')()
      return [typeof g.process, Obj, F('try { return typeof require } catch (e) { return "threw" }')()]
    }`)
    expect(outcome).toMatchObject({ ok: true, value: ['undefined', 'undefined', 'undefined'] })
  })

  it('import() of a host module rejects (no loader) and never runs', () => {
    const s = sandbox(`let seen = 'none'
      function tick() { import('node:fs').then(() => { seen = 'loaded' }, (e) => { seen = 'refused' }); return seen }`)
    const first = s.call('{}', 1, 0)
    expect(first).toMatchObject({ ok: true, value: 'none' })
    expect(s.call('{}', 1, 0)).toMatchObject({ ok: true, value: 'none' })
  })

  it('Date and Math.random are deterministic: frozen at the given time, seeded per call', () => {
    const code = 'function tick() { return [Date.now(), new Date().getTime(), Math.random(), Math.random()] }'
    const a = sandbox(code).call('{}', 99, 1234)
    const b = sandbox(code).call('{}', 99, 1234)
    const c = sandbox(code).call('{}', 100, 1234)
    const values = [a, b, c].map((o) => (o.ok ? (o.value as number[]) : []))
    expect(values[0]).toEqual(values[1])
    expect(values[0]?.slice(0, 2)).toEqual([1234, 1234])
    expect(values[0]?.[2]).not.toBe(values[2]?.[2])
    expect(values[0]?.[2]).toBeGreaterThanOrEqual(0)
  })

  it('keeps working after an interrupt: the next call runs in a fresh runtime', () => {
    const s = sandbox('let n = 0; function tick(v) { n++; if (v.spin) for (;;) {} return n }')
    expect(s.call('{"spin":false}', 1, 0)).toMatchObject({ ok: true, value: 1 })
    expect(s.call('{"spin":true}', 1, 0)).toMatchObject({ ok: false, reason: 'interrupted' })
    expect(s.call('{"spin":false}', 1, 0)).toMatchObject({ ok: true, value: 1 })
  })

  it('a script that loops when evaluated fails to load with ERR_LOAD_FAILED', () => {
    expect(() => sandbox('for (;;) {} function tick() {}')).toThrow(expect.objectContaining({ code: 'ERR_LOAD_FAILED' }))
  })
})
