import type { Identity } from '../authenticator.js'
import { FrameHistory, type HistoryBudget } from './frame-history.js'
import { RecentRequests } from './recent-requests.js'
import { updateSeqOf } from './update-seq.js'

/** The socket side of a session: the connection currently carrying it. */
export interface SessionSocket {
  /** The connection id (`ctx.connectionId`). */
  readonly id: string
  /** Sends an encoded frame on the socket (dropped when it is closing). */
  sendFrame(frame: Uint8Array): void
  /** False while the socket is too far behind (see `ClientSession.canSend`). */
  canSend(): boolean
  /** Closes the socket with a close code (the session it carried is dealt with by the caller). */
  end(code: number, reason: string): void
  /** The session the connection carries; set to null when the session moves away or ends first. */
  resumable: ResumableSession | null
}

/**
 * One session as the protocol sees it: the replicator's view of one client, its numbered frames and the
 * requestIds it saw. It outlives its socket: detached, it goes on recording its frames until its client
 * resumes it on another socket or it ends.
 */
export class ResumableSession {
  /** The frames sent after Welcome (except Pong), numbered, for replay. */
  readonly history: FrameHistory
  /** RequestIds seen, to recognise requests sent again after a resume. */
  readonly requests: RecentRequests
  private socketValue: SessionSocket | null
  private lastConnectionId: string
  private openedOnValue: string
  /** The number of the last frame written before the socket dropped, while detached; else null. */
  private detachedAt: number | null = null
  /** The grace timer while detached. */
  graceTimer: unknown = null
  /** When the grace period ends while detached (the server clock's ms). */
  graceEndsAt = 0
  /** The seq of the last TransactionUpdate written (the Welcome's seq before any): where a resumed replica ends up. */
  streamSeq: number

  /**
   * @param id - the session id sent in Welcome (random, unguessable) and used as the replicator's client id
   * @param identity - who the session belongs to
   * @param socket - the connection that opened it, or null for a session restored detached (see {@link ResumableSession.restoreDetached})
   * @param history - bytes per session and the shared budget
   * @param recentRequests - requestIds remembered
   * @param seq - the seq of the session's Welcome
   */
  constructor(
    readonly id: string,
    readonly identity: Identity,
    socket: SessionSocket | null,
    history: { readonly maxBytes: number; readonly budget: HistoryBudget },
    recentRequests: number,
    seq: number,
  ) {
    this.streamSeq = seq
    this.socketValue = socket
    this.lastConnectionId = socket?.id ?? ''
    this.openedOnValue = this.lastConnectionId
    this.history = new FrameHistory(history.maxBytes, history.budget)
    this.requests = new RecentRequests(recentRequests)
  }

  /** The connection carrying the session, or null while detached. */
  get socket(): SessionSocket | null {
    return this.socketValue
  }

  /** The id of the connection that opened the session: the `connectionId` its onConnect and onDisconnect are told. */
  get openedOn(): string {
    return this.openedOnValue
  }

  /** The id of the last connection that carried the session. */
  get connectionId(): string {
    return this.lastConnectionId
  }

  /** The number of the last frame written before the socket dropped, or null while attached. */
  get detachedAfter(): number | null {
    return this.detachedAt
  }

  /**
   * Puts back, on a session made without a socket, what a session of an earlier process held when it stopped
   * gracefully: its frames and their numbers, its requestIds, where its stream and its socket stood.
   *
   * @param saved - the stream's seq, the frames held and the number of the newest, the requestIds oldest first,
   *   the number of the last frame written while a socket carried it, the id of the connection that opened it
   */
  restoreDetached(saved: {
    readonly streamSeq: number
    readonly frames: readonly Uint8Array[]
    readonly last: number
    readonly requests: readonly number[]
    readonly detachedAt: number
    readonly connectionId: string
  }): void {
    this.streamSeq = saved.streamSeq
    this.history.load(saved.frames, saved.last)
    for (const id of saved.requests) this.requests.add(id)
    this.detachedAt = saved.detachedAt
    this.lastConnectionId = saved.connectionId
    this.openedOnValue = saved.connectionId
    this.socketValue = null
  }

  /** Whether frames the client has certainly not received were trimmed while detached (it cannot resume). */
  get overflowed(): boolean {
    return this.detachedAt !== null && this.history.first > this.detachedAt + 1
  }

  /** Numbers, records and sends (when attached) one frame. */
  write(frame: Uint8Array): void {
    this.history.push(frame)
    const seq = updateSeqOf(frame)
    if (seq !== null) this.streamSeq = seq
    this.socketValue?.sendFrame(frame)
  }

  /** Whether the replicator may send now: the socket keeps up, or (detached) frames only go to the history. */
  canSend(): boolean {
    return this.socketValue?.canSend() ?? true
  }

  /** The socket dropped: frames go to the history only. */
  detach(): void {
    this.socketValue = null
    this.detachedAt = this.history.last
  }

  /** A resume moved the session to another connection. */
  attach(socket: SessionSocket): void {
    this.socketValue = socket
    this.lastConnectionId = socket.id
    this.detachedAt = null
  }
}
