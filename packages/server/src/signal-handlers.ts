import type { Logger } from 'pino'

/**
 * SIGINT / SIGTERM handling for a server: the first signal starts a graceful close, a second one during
 * the close exits at once. Installed at most once; removed when the server closes.
 */
export class SignalHandlers {
  private handler: ((signal: NodeJS.Signals) => void) | null = null

  /**
   * @param log - the server's logger
   * @param isClosing - whether a close already runs
   * @param close - starts the graceful close
   */
  constructor(
    private readonly log: Logger,
    private readonly isClosing: () => boolean,
    private readonly close: () => Promise<void>,
  ) {}

  /** Listens to SIGINT and SIGTERM (no-op when already listening). */
  install(): void {
    if (this.handler !== null) return
    const handler = (signal: NodeJS.Signals): void => {
      if (this.isClosing()) {
        this.log.warn({ signal }, 'second signal during shutdown; exiting now')
        process.exit(1)
      }
      this.log.info({ signal }, 'shutting down')
      this.close().catch((error: unknown) => this.log.error({ err: error }, 'shutdown failed'))
    }
    this.handler = handler
    process.on('SIGINT', handler)
    process.on('SIGTERM', handler)
  }

  /** Stops listening. */
  remove(): void {
    if (this.handler === null) return
    process.off('SIGINT', this.handler)
    process.off('SIGTERM', this.handler)
    this.handler = null
  }
}
