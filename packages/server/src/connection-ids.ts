/**
 * The ids of a server's connections (`c1`, `c2`, …), as hooks get them in `ctx.connectionId`: unique in
 * the process, and past the ids of the sessions a graceful restart restored (a restored session keeps the
 * id of the connection that opened it on the previous server, so a fresh connection must not take it).
 */
export class ConnectionIds {
  private next = 1

  /** The id of a new connection. */
  take(): string {
    return `c${this.next++}`
  }

  /**
   * Moves past every id of the `c<n>` form among `ids`.
   *
   * @param ids - ids in use (those of the restored sessions)
   */
  skipPast(ids: Iterable<string>): void {
    for (const id of ids) {
      const n = /^c(\d+)$/.exec(id)?.[1]
      if (n !== undefined) this.next = Math.max(this.next, Number(n) + 1)
    }
  }
}
