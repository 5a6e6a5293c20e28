import { CloseCode } from '@orrery/protocol'

/** Caps on open connections; see `ServerLimits.maxConnections` and `maxConnectionsPerIp`. */
export interface ConnectionCapLimits {
  readonly maxConnections: number
  readonly maxConnectionsPerIp: number
}

/**
 * Counts open connections, in all and per IP address, and refuses those over a cap: the close code to
 * send (`ServerFull` 4012, `TooManyConnections` 4013) or null when the connection may open. Every
 * connection that opened must be released once.
 */
export class ConnectionCaps {
  private total = 0
  private readonly byAddress = new Map<string, number>()

  /** @param limits - the caps */
  constructor(private readonly limits: ConnectionCapLimits) {}

  /** Open connections now. */
  get open(): number {
    return this.total
  }

  /**
   * Opens a connection from `address` when the caps allow it.
   * @param address - the peer's IP address (undefined counts as one address, 'unknown')
   * @returns null when it is open (release it later), else the close code to refuse it with
   */
  tryOpen(address: string | undefined): number | null {
    if (this.total >= this.limits.maxConnections) return CloseCode.ServerFull
    const key = address ?? 'unknown'
    const count = this.byAddress.get(key) ?? 0
    if (count >= this.limits.maxConnectionsPerIp) return CloseCode.TooManyConnections
    this.byAddress.set(key, count + 1)
    this.total++
    return null
  }

  /** Releases a connection opened by {@link ConnectionCaps.tryOpen}. */
  release(address: string | undefined): void {
    const key = address ?? 'unknown'
    const count = this.byAddress.get(key)
    if (count === undefined) return
    if (count <= 1) this.byAddress.delete(key)
    else this.byAddress.set(key, count - 1)
    this.total--
  }
}
