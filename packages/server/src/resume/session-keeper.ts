import { randomUUID } from 'node:crypto'
import { CloseCode } from '@orrery/protocol'
import type { ClientState, Replicator } from '@orrery/sync'
import type { Logger } from 'pino'
import type { AuthResult } from '../authenticator.js'
import type { ClientSession } from '../client-session.js'
import type { Clock } from '../clock.js'
import type { IdentitySessions } from '../identity-sessions.js'
import type { ResumableSession } from './resumable-session.js'
import type { ResolvedResumeOptions } from './resume-options.js'
import { SESSION_IMAGE_VERSION, type SessionImage } from './session-image.js'
import { SessionRegistry } from './session-registry.js'

/** What the keeper asks of its server. */
export interface SessionKeeperHost {
  readonly replicator: Pick<Replicator, 'addClient' | 'removeClient' | 'captureClient' | 'seq'>
  readonly identities: IdentitySessions
  readonly clock: Clock
  readonly log: Logger
  /** Sends Welcome on a connection for a session (its seq: the replicator's, or the resuming client's). */
  welcome(connection: ClientSession, auth: AuthResult, sessionId: string, resumed: boolean, seq: number): void
  /** Runs the module's onConnect for a new session. */
  connected(connection: ClientSession): void
  /** Runs the module's onDisconnect for a session that ended. */
  disconnected(session: ResumableSession): void
}

/**
 * Sessions across their sockets: opens a session on Welcome, resumes one on a later connection (replaying
 * the frames its client missed), keeps one whose socket dropped for the grace period, and ends it (replicator
 * view and onDisconnect) when it will not be resumed. See docs/protocol.md, "Sessions and resume".
 */
export class SessionKeeper {
  readonly registry: SessionRegistry
  private stopping = false

  /**
   * @param options - grace period and history sizes
   * @param host - the server
   */
  constructor(
    options: ResolvedResumeOptions,
    private readonly host: SessionKeeperHost,
  ) {
    this.registry = new SessionRegistry(options, host.clock, (session, why) => {
      host.log.info({ sessionId: session.id, why }, 'detached session ended without a resume')
      this.release(session)
    })
  }

  /**
   * The handshake succeeded: resumes the session the Hello names when it can, else opens a new one
   * (ending the named one), sends Welcome (and the replayed frames) and runs onConnect for a new session.
   */
  admit(connection: ClientSession, auth: AuthResult): void {
    const request = connection.resumeRequest
    if (request !== null) {
      const named = this.registry.get(request.sessionId)
      const own = named !== undefined && named.identity === auth.identity ? named : undefined
      const received = request.received
      if (own !== undefined && received !== undefined && this.registry.enabled && own.history.reaches(received)) {
        this.resume(connection, auth, own, received)
        return
      }
      this.registry.counters.refused++
      connection.log.info({ sessionId: request.sessionId, known: named !== undefined }, 'resume refused; starting a fresh session')
      if (own !== undefined) this.end(own)
    }
    this.takeOver(connection, auth, null)
    const session = this.registry.create(randomUUID(), auth.identity, connection, this.host.replicator.seq)
    this.follow(session)
    connection.resumable = session
    this.host.welcome(connection, auth, session.id, false, this.host.replicator.seq)
    this.host.connected(connection)
  }

  /**
   * A connection ended: its session waits for a resume when the socket dropped without a goodbye, else ends.
   */
  ended(connection: ClientSession): void {
    const session = connection.resumable
    if (session === null) return
    connection.resumable = null
    if (this.registry.enabled && !this.stopping && connection.droppedByNetwork) {
      this.registry.detach(session)
      connection.log.info({ sessionId: session.id }, 'socket dropped; session kept for a resume')
      return
    }
    this.end(session)
  }

  /**
   * Whether a request of a connection's session is new (records it).
   *
   * @returns false for a requestId the session saw already
   */
  firstRequest(connection: ClientSession, requestId: number): boolean {
    const session = connection.resumable
    if (session === null || session.requests.add(requestId)) return true
    this.registry.counters.repeatedRequests++
    connection.log.debug({ requestId }, 'request seen already; ignored')
    return false
  }

  /** The server stops: sessions end with their sockets, and detached ones now. */
  stop(): void {
    this.stopping = true
    for (const session of this.registry.all()) if (session.socket === null) this.end(session)
  }

  /**
   * Copies every session, live and detached, as a graceful shutdown saves them (call it between ticks, once
   * the last tick is flushed and durable).
   *
   * @param schema - the server's Welcome schema, as JSON
   * @returns their images
   */
  images(schema: string): SessionImage[] {
    const images: SessionImage[] = []
    for (const session of this.registry.all()) {
      const client = this.host.replicator.captureClient(session.id)
      if (client === undefined) continue
      images.push({
        version: SESSION_IMAGE_VERSION,
        id: session.id,
        identity: session.identity,
        connectionId: session.openedOn,
        streamSeq: session.streamSeq,
        frames: session.history.held(),
        last: session.history.last,
        detachedAt: session.detachedAfter ?? session.history.last,
        requests: session.requests.ids(),
        graceLeftMs: this.registry.graceLeft(session),
        client,
        schema,
      })
    }
    return images
  }

  /**
   * The sessions were saved for the next process: forgets them all without ending them (no onDisconnect),
   * and the sockets, closed next, no longer carry them.
   */
  handOver(): void {
    this.stopping = true
    for (const session of this.registry.all()) {
      const socket = session.socket
      if (socket !== null && socket.resumable === session) socket.resumable = null
      this.registry.remove(session)
      this.host.replicator.removeClient(session.id)
    }
  }

  /**
   * Restores the sessions a graceful shutdown of the previous process saved, detached, each for what was left
   * of its resume window at the shutdown minus the time since (`elapsedMs`); one that does not fit the
   * replicator is logged and left out.
   *
   * @param images - the saved sessions
   * @param elapsedMs - ms since they were saved
   * @returns the sessions restored
   */
  restore(images: readonly SessionImage[], elapsedMs: number): ResumableSession[] {
    const restored: ResumableSession[] = []
    for (const image of images) {
      const session = this.registry.create(image.id, image.identity, null, image.streamSeq)
      session.restoreDetached(image)
      try {
        this.follow(session, image.client)
      } catch (error) {
        this.registry.remove(session)
        this.host.log.warn({ err: error, sessionId: image.id }, 'saved session not restored')
        continue
      }
      this.registry.keepRestored(session, image.graceLeftMs - elapsedMs)
      restored.push(session)
    }
    return restored
  }

  /** Ends detached sessions whose history overflowed (after each flush). */
  sweep(): void {
    this.registry.sweep()
  }

  /** Adds the session to the replicator (where a restored one continues from its saved state). */
  private follow(session: ResumableSession, state?: ClientState): void {
    const sink = { send: (frame: Uint8Array) => session.write(frame), canSend: () => session.canSend(), identity: session.identity }
    this.host.replicator.addClient(session.id, sink, state)
  }

  private resume(connection: ClientSession, auth: AuthResult, session: ResumableSession, received: number): void {
    const old = session.socket
    if (old !== null) {
      // A socket the server still holds for the session is half-open: the client is here now.
      old.resumable = null
      old.end(CloseCode.SessionReplaced, 'session resumed on another connection')
    }
    this.takeOver(connection, auth, session)
    this.registry.attach(session, connection)
    connection.resumable = session
    // Welcome's seq: where the client's replica ends up once the replayed frames are applied.
    this.host.welcome(connection, auth, session.id, true, session.streamSeq)
    const frames = session.history.after(received)
    for (const frame of frames) connection.sendFrame(frame)
    connection.log.info({ sessionId: session.id, replayed: frames.length, received }, 'session resumed')
  }

  /** Registers the connection with its identity; under 'replace' the identity's other sessions end. */
  private takeOver(connection: ClientSession, auth: AuthResult, keep: ResumableSession | null): void {
    this.host.identities.add(connection, auth.identity)
    if (this.host.identities.policy !== 'replace') return
    for (const other of this.registry.detachedOf(auth.identity)) if (other !== keep) this.end(other)
  }

  private end(session: ResumableSession): void {
    const socket = session.socket
    if (socket !== null && socket.resumable === session) {
      socket.resumable = null
      socket.end(CloseCode.SessionReplaced, 'session ended')
    }
    this.registry.remove(session)
    this.release(session)
  }

  private release(session: ResumableSession): void {
    this.host.replicator.removeClient(session.id)
    this.host.disconnected(session)
  }
}
