import { describe, expect, it } from 'vitest'
import type { BehaviorErrorCode } from './behavior-error.js'
import { checkBehaviorCode } from './check-code.js'

function codeOf(code: string, limits = {}): BehaviorErrorCode | 'ok' {
  try {
    checkBehaviorCode(code, limits)
    return 'ok'
  } catch (error) {
    return (error as { code: BehaviorErrorCode }).code
  }
}

describe('checkBehaviorCode', () => {
  it('accepts a plain behaviour and measures its complexity', () => {
    const report = checkBehaviorCode(`function tick(view) {
      let best = null
      for (const f of view.food) if (best === null || f.d < best.d) best = f
      return best ? { dirX: best.x - view.x, dirY: best.y - view.y } : { dirX: 1, dirY: 0 }
    }`)
    expect(report.complexity).toBe(5)
    expect(report.nodes).toBeGreaterThan(20)
  })

  it.each([
    ['import()', 'function tick() { return import("fs") }'],
    ['eval', 'function tick() { return eval("1") }'],
    ['Function', 'function tick() { return Function("return this")() }'],
    ['constructor', 'function tick() { return (() => 0).constructor }'],
    ['a computed constructor', 'function tick() { return (() => 0)["constructor"] }'],
    ['__proto__', 'function tick(v) { return v.__proto__ }'],
    ['globalThis', 'function tick() { return globalThis }'],
    ['with', 'function tick(v) { with (v) { return x } }'],
    ['async', 'async function tick() {}'],
    ['a generator', 'function* tick() {}'],
    ['a class', 'class A {} function tick() {}'],
    ['Proxy', 'function tick() { return new Proxy({}, {}) }'],
    ['WeakRef', 'function tick() { return new WeakRef({}) }'],
  ])('refuses %s with ERR_FORBIDDEN_FEATURE and a line', (_, code) => {
    expect(codeOf(code)).toBe('ERR_FORBIDDEN_FEATURE')
    expect(() => checkBehaviorCode(code)).toThrow(/line 1, column \d+/)
  })

  it('refuses a syntax error, a missing tick, a long or deeply nested script', () => {
    expect(codeOf('function tick( {')).toBe('ERR_SYNTAX')
    expect(codeOf('function other() {}')).toBe('ERR_NO_TICK_FUNCTION')
    expect(codeOf('const tick = () => 1')).toBe('ERR_NO_TICK_FUNCTION')
    expect(codeOf(`function tick() { return 1 } // ${'x'.repeat(100)}`, { maxCodeLength: 50 })).toBe('ERR_CODE_TOO_LARGE')
    expect(codeOf(`function tick() { return ${'['.repeat(9000)}${']'.repeat(9000)} }`, { maxCodeLength: 20_000 })).toBe('ERR_TOO_COMPLEX')
    expect(codeOf('function tick() { return [1, 2, 3, 4, 5, 6] }', { maxNodes: 5 })).toBe('ERR_TOO_COMPLEX')
  })
})
