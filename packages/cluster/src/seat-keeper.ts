/**
 * The seats of one world as its process sees them: each occupant's ticket and its open sockets. A seat whose
 * last socket closed is kept `graceMs` (the client may resume) and then released.
 */
export class SeatKeeper {
  private readonly sockets = new Map<string, number>()
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>()

  /**
   * @param graceMs - how long a seat outlives its last socket, ms
   * @param release - frees a seat (in the registry)
   */
  constructor(
    private readonly graceMs: number,
    private readonly release: (ticket: string) => void,
  ) {}

  /** Occupants: tickets with a socket or in their grace period. */
  get size(): number {
    return new Set([...this.sockets.keys(), ...this.timers.keys()]).size
  }

  /** Tickets held (for re-registering the world). */
  tickets(): string[] {
    return [...new Set([...this.sockets.keys(), ...this.timers.keys()])]
  }

  /** A socket of `ticket` opened; `onClose` is to be called when it closes. */
  opened(ticket: string): () => void {
    this.cancel(ticket)
    this.sockets.set(ticket, (this.sockets.get(ticket) ?? 0) + 1)
    let closed = false
    return () => {
      if (closed) return
      closed = true
      const left = (this.sockets.get(ticket) ?? 1) - 1
      if (left > 0) {
        this.sockets.set(ticket, left)
        return
      }
      this.sockets.delete(ticket)
      this.hold(ticket)
    }
  }

  /** Keeps the seats of `tickets` for the grace period (occupants a world brings along when it moves here). */
  adopt(tickets: readonly string[]): void {
    for (const ticket of tickets) if (!this.sockets.has(ticket) && !this.timers.has(ticket)) this.hold(ticket)
  }

  /** Stops every timer (the world closes; its seats go with it). */
  clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
    this.sockets.clear()
  }

  private hold(ticket: string): void {
    const timer = setTimeout(() => {
      this.timers.delete(ticket)
      this.release(ticket)
    }, this.graceMs)
    timer.unref()
    this.timers.set(ticket, timer)
  }

  private cancel(ticket: string): void {
    const timer = this.timers.get(ticket)
    if (timer === undefined) return
    clearTimeout(timer)
    this.timers.delete(ticket)
  }
}
