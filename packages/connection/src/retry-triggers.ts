/** The slice of `window` / `document` the retry triggers use (absent in Node). */
interface EventTargetLike {
  addEventListener(type: string, listener: () => void): void
  removeEventListener(type: string, listener: () => void): void
}

/**
 * In browsers, calls `retry` when the network comes back (`online`) or the page becomes visible again
 * (`visibilitychange`), so a reconnecting client tries at once instead of waiting out its backoff.
 * Does nothing where those events do not exist.
 */
export class RetryTriggers {
  private installed = false
  private readonly onOnline = (): void => this.retry()
  private readonly onVisibility = (): void => {
    const doc = (globalThis as { document?: { visibilityState?: string } }).document
    if (doc?.visibilityState === 'visible') this.retry()
  }

  /** @param retry - tries to connect now */
  constructor(private readonly retry: () => void) {}

  /** Starts listening (idempotent). */
  install(): void {
    if (this.installed) return
    const win = target(globalThis)
    const doc = target((globalThis as { document?: unknown }).document)
    win?.addEventListener('online', this.onOnline)
    doc?.addEventListener('visibilitychange', this.onVisibility)
    this.installed = true
  }

  /** Stops listening. */
  remove(): void {
    if (!this.installed) return
    target(globalThis)?.removeEventListener('online', this.onOnline)
    target((globalThis as { document?: unknown }).document)?.removeEventListener('visibilitychange', this.onVisibility)
    this.installed = false
  }
}

function target(value: unknown): EventTargetLike | null {
  const t = value as Partial<EventTargetLike> | undefined
  return t !== undefined && t !== null && typeof t.addEventListener === 'function' && typeof t.removeEventListener === 'function' ? (t as EventTargetLike) : null
}
