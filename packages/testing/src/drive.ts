import { TestingError } from './testing-error.js'

/** One turn of the event loop: lets loopback socket I/O in flight be read and written. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** A turn that also lets due timers run (a client's reconnect backoff, its token refresh). */
const timerTurn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0))

/** How a wait drives the server: one tick per event-loop turn, until done or the real-time deadline. */
export interface Driver {
  /** Runs one server tick. */
  step(): void
  /** Whether the test server was disposed (a wait then ends with `ERR_DISPOSED`). */
  disposed(): boolean
}

/**
 * Steps the server once per event-loop turn until `done()` is true.
 * @throws {TestingError} `ERR_TIMEOUT` after `timeoutMs` real milliseconds; `ERR_DISPOSED` when disposed meanwhile
 */
export async function driveUntil(driver: Driver, done: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs
  let ticks = 0
  for (let i = 0; ; i++) {
    if (done()) return
    if (driver.disposed()) throw new TestingError('ERR_DISPOSED', `the test server was disposed while waiting for ${what}`)
    if (performance.now() >= deadline) {
      throw new TestingError('ERR_TIMEOUT', `timed out after ${timeoutMs} ms (${ticks} ticks stepped) waiting for ${what}`)
    }
    driver.step()
    ticks++
    await (i % 8 === 7 ? timerTurn() : turn())
  }
}

/**
 * Settles `promise` while stepping the server (a reducer call resolves only after the tick that sends its
 * effects), and returns its value or throws its error.
 */
export async function driveSettle<T>(driver: Driver, promise: Promise<T>, what: string, timeoutMs: number): Promise<T> {
  let settled = false
  const mark = (): void => {
    settled = true
  }
  promise.then(mark, mark)
  await driveUntil(driver, () => settled, what, timeoutMs)
  return promise
}
