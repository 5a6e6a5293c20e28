import type { Identity } from '../authenticator.js'
import type { Clock } from '../clock.js'
import type { HistoryBudget } from './frame-history.js'
import { ResumableSession, type SessionSocket } from './resumable-session.js'
import type { ResolvedResumeOptions } from './resume-options.js'

/** Why a detached session ended. */
export type SessionExpiry = 'grace' | 'overflow'

/** Counters of resumes, since the server started. */
export interface ResumeCounters {
  /** Sessions whose socket dropped and that waited for a resume. */
  detached: number
  /** Sessions a graceful shutdown of the previous process saved that this one restored, detached. */
  restored: number
  /** Resumes honoured (Welcome `resumed: true`). */
  resumed: number
  /** Hellos with a resume the server could not honour (a fresh session was started instead). */
  refused: number
  /** Detached sessions that ended unresumed (grace period over or history overflowed). */
  expired: number
  /** Requests ignored because their requestId was seen already in the session. */
  repeatedRequests: number
}

/**
 * The sessions of a server by id, live and detached: creates them, keeps a detached one for the grace
 * period (ending it earlier when its history overflows), and hands one over to the connection resuming it.
 */
export class SessionRegistry {
  readonly counters: ResumeCounters = { detached: 0, restored: 0, resumed: 0, refused: 0, expired: 0, repeatedRequests: 0 }
  private readonly sessions = new Map<string, ResumableSession>()
  private readonly detachedSessions = new Set<ResumableSession>()
  private readonly budget: HistoryBudget

  /**
   * @param options - grace period and history sizes
   * @param clock - timers of the grace period
   * @param onExpire - ends a detached session that was not resumed in time (the registry forgot it already)
   */
  constructor(
    readonly options: ResolvedResumeOptions,
    private readonly clock: Clock,
    private readonly onExpire: (session: ResumableSession, why: SessionExpiry) => void,
  ) {
    this.budget = { total: 0, maxBytes: options.totalHistoryBytes }
  }

  /** Sessions waiting for a resume. */
  get detached(): number {
    return this.detachedSessions.size
  }

  /** Bytes of history held over all sessions. */
  get historyBytes(): number {
    return this.budget.total
  }

  /** Opens a session on a connection (or, with a null socket, one to restore detached). */
  create(id: string, identity: Identity, socket: SessionSocket | null, seq: number): ResumableSession {
    const session = new ResumableSession(id, identity, socket, { maxBytes: this.options.historyBytes, budget: this.budget }, this.options.recentRequests, seq)
    this.sessions.set(id, session)
    return session
  }

  /**
   * Keeps a restored session (detached already) for what is left of its grace period.
   *
   * @param session - made by {@link SessionRegistry.create} without a socket, then restored
   * @param leftMs - ms of its grace period left (≤ 0: it ends at the next timer turn)
   */
  keepRestored(session: ResumableSession, leftMs: number): void {
    this.counters.restored++
    this.wait(session, Math.max(0, leftMs))
  }

  /** Ms left of a session's grace period: all of it while attached, what is left while detached. */
  graceLeft(session: ResumableSession): number {
    return this.detachedSessions.has(session) ? Math.max(0, session.graceEndsAt - this.clock.now()) : this.options.graceMs
  }

  /** The session with this id, live or detached. */
  get(id: string): ResumableSession | undefined {
    return this.sessions.get(id)
  }

  /** The detached sessions of an identity. */
  detachedOf(identity: Identity): ResumableSession[] {
    return [...this.detachedSessions].filter((s) => s.identity === identity)
  }

  /** Every session, live and detached. */
  all(): ResumableSession[] {
    return [...this.sessions.values()]
  }

  /** Whether a session may wait for a resume at all (a grace period is configured). */
  get enabled(): boolean {
    return this.options.graceMs > 0
  }

  /** The session's socket dropped: keep it for the grace period. */
  detach(session: ResumableSession): void {
    session.detach()
    this.counters.detached++
    this.wait(session, this.options.graceMs)
  }

  private wait(session: ResumableSession, ms: number): void {
    this.detachedSessions.add(session)
    session.graceEndsAt = this.clock.now() + ms
    session.graceTimer = this.clock.setTimeout(() => this.expire(session, 'grace'), ms)
  }

  /** Moves a session to the connection resuming it. */
  attach(session: ResumableSession, socket: SessionSocket): void {
    this.stopWaiting(session)
    session.attach(socket)
    this.counters.resumed++
  }

  /** Forgets a session and its history (it ended). */
  remove(session: ResumableSession): void {
    this.stopWaiting(session)
    session.history.clear()
    this.sessions.delete(session.id)
  }

  /** Ends the detached sessions whose history overflowed (call after each flush). */
  sweep(): void {
    for (const session of this.detachedSessions) if (session.overflowed) this.expire(session, 'overflow')
  }

  private expire(session: ResumableSession, why: SessionExpiry): void {
    if (!this.detachedSessions.has(session)) return
    this.counters.expired++
    this.remove(session)
    this.onExpire(session, why)
  }

  private stopWaiting(session: ResumableSession): void {
    if (session.graceTimer !== null) this.clock.clearTimeout(session.graceTimer)
    session.graceTimer = null
    this.detachedSessions.delete(session)
  }
}
