import type { ConnectionError } from './connection-error.js'

/** A promise with its resolve and reject (a handshake or a close waited on from elsewhere). */
export type Deferred<T> = { promise: Promise<T>; resolve: (value: T) => void; reject: (error: ConnectionError) => void }

/** A new {@link Deferred}. */
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (error: ConnectionError) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}
