/**
 * Evaluated in each sandbox before the behaviour: a seeded `Math.random` and a frozen clock (`Date.now()`
 * and `new Date()` give the tick's time), no GC-dependent objects, and the `run` function the host calls.
 * `run(input, seed, time, maxLength)` parses `input`, calls the script's `tick`, and answers one string:
 * `o` + the result as JSON, `e` + a description of what was thrown, or `b` + the length of a too-long result.
 * Catching here keeps a hostile thrown value (a getter, a Proxy) inside the sandbox.
 */
export const PRELUDE = `(function () {
  'use strict'
  const g = globalThis
  const RealDate = g.Date
  const stringify = JSON.stringify
  const parse = JSON.parse
  const toText = String
  let state = 0
  let now = 0
  function random() {
    state = (state + 0x6d2b79f5) | 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  Object.defineProperty(Math, 'random', { value: random, writable: true, configurable: true })
  function Date(...args) {
    if (!new.target) return new RealDate(now).toString()
    return args.length === 0 ? new RealDate(now) : new RealDate(...args)
  }
  Date.prototype = RealDate.prototype
  Date.now = function () { return now }
  Date.parse = RealDate.parse
  Date.UTC = RealDate.UTC
  Object.defineProperty(RealDate.prototype, 'constructor', { value: Date, writable: true, configurable: true })
  g.Date = Date
  delete g.WeakRef
  delete g.FinalizationRegistry
  function describe(e) {
    try {
      if (e instanceof Error) return toText(e.name) + ': ' + toText(e.message)
      const t = typeof e
      if (t === 'string') return 'a thrown string: ' + e
      if (t === 'number' || t === 'boolean' || t === 'bigint') return 'a thrown ' + t + ': ' + toText(e)
      return 'a thrown ' + (e === null ? 'null' : t)
    } catch (_) {
      return 'a thrown value that could not be described'
    }
  }
  return function run(input, seed, time, maxLength) {
    state = seed | 0
    now = time
    let text
    try {
      const tick = g.tick
      if (typeof tick !== 'function') return 'eTypeError: tick is not a function'
      const result = tick(parse(input))
      text = stringify(result === undefined ? null : result)
    } catch (e) {
      const d = describe(e)
      return 'e' + (typeof d === 'string' ? d.slice(0, 200) : '')
    }
    if (typeof text !== 'string') return 'nthe result is not JSON data'
    if (text.length > maxLength) return 'b' + text.length
    return 'o' + text
  }
})()`
