/**
 * The requestIds a session saw last, bounded: a request sent again after a resume (its answer is already in
 * the session's stream) is recognised and not run twice.
 */
export class RecentRequests {
  private readonly seen = new Set<number>()
  private readonly order: number[]
  private next = 0

  /** @param capacity - requestIds remembered (≥ 1); the oldest is forgotten first */
  constructor(readonly capacity: number) {
    this.order = new Array<number>(capacity).fill(-1)
  }

  /**
   * Records a requestId.
   *
   * @param requestId - a u32
   * @returns false when it was seen already (the request is a repeat), true the first time
   */
  add(requestId: number): boolean {
    if (this.seen.has(requestId)) return false
    const evicted = this.order[this.next] as number
    if (evicted !== -1) this.seen.delete(evicted)
    this.order[this.next] = requestId
    this.next = (this.next + 1) % this.capacity
    this.seen.add(requestId)
    return true
  }

  /** The requestIds remembered, oldest first (adding them in this order to a new instance remembers the same). */
  ids(): number[] {
    const ids: number[] = []
    for (let k = 0; k < this.capacity; k++) {
      const id = this.order[(this.next + k) % this.capacity] as number
      if (id !== -1) ids.push(id)
    }
    return ids
  }
}
