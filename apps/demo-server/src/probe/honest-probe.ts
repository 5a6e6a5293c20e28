import { generateIdentity, serverNameOf, signChallenge } from '@orrery/auth'
import { decodeServerMessage, encodeClientMessage, MessageType, PROTOCOL_VERSION } from '@orrery/protocol'
import { frameTag } from '@orrery/protocol/internal'
import WebSocket from 'ws'

/** What a probe measured since the last {@link HonestProbe.drain}. */
export interface ProbeSamples {
  /** Ping → Pong round trips, ms. */
  readonly rttMs: number[]
  /** Time between consecutive TransactionUpdate frames, ms. */
  readonly updateGapMs: number[]
  /** Bytes received on the probe's own socket. */
  readonly bytesReceived: number
  /** Closes of the probe's connection that it did not ask for. */
  readonly disconnects: number
  /**
   * The largest 99th percentile event-loop delay of the probe's own process over the reports merged here, ms
   * (set by the bot process): a round trip can only be as fast as the client reads it.
   */
  readonly clientLoopDelayP99Ms?: number
}

/** Options of {@link HonestProbe}. */
export interface HonestProbeOptions {
  /** Time between Pings, ms. Default 100. */
  readonly pingEveryMs?: number
  /** The probe's area of interest (world units). Default the whole 1000 × 1000 world, so it sees every tick in which anything moves. */
  readonly area?: { readonly minX: number; readonly minY: number; readonly maxX: number; readonly maxY: number }
}

/**
 * An honest client that measures what the server gives the players: it signs in with a key of its own,
 * subscribes to an area of the Blackholio world like a player's camera, sends a Ping every 100 ms and
 * records each round trip, the time between its updates and the bytes it receives. It decodes only the
 * small frames it needs (Challenge, Welcome, Pong), so its own cost stays low.
 */
export class HonestProbe {
  private ws: WebSocket | null = null
  private timer: ReturnType<typeof setInterval> | null = null
  private samples: { rttMs: number[]; updateGapMs: number[]; bytesReceived: number; disconnects: number } = {
    rttMs: [],
    updateGapMs: [],
    bytesReceived: 0,
    disconnects: 0,
  }
  private lastUpdateAt: number | null = null
  private stopped = false
  private readonly key = generateIdentity()

  /**
   * @param url - the server's WebSocket URL
   * @param options - see {@link HonestProbeOptions}
   */
  constructor(
    private readonly url: string,
    private readonly options: HonestProbeOptions = {},
  ) {}

  /**
   * Connects and signs in.
   * @returns when Welcome arrived
   * @throws Error when the connection closes before Welcome
   */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url)
      this.ws = ws
      ws.binaryType = 'nodebuffer'
      let ready = false
      ws.on('error', () => undefined)
      ws.on('open', () => ws.send(encodeClientMessage({ type: 'Hello', protocolVersion: PROTOCOL_VERSION, token: null, resume: null })))
      ws.on('close', (code) => {
        this.stopTimer()
        if (!ready) reject(new Error(`the probe was closed before Welcome (${code})`))
        else if (!this.stopped) this.samples.disconnects++
      })
      ws.on('message', (data: Buffer) => {
        const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
        this.samples.bytesReceived += bytes.byteLength
        const tag = frameTag(bytes)
        if (tag === MessageType.TransactionUpdate) {
          const now = performance.now()
          if (this.lastUpdateAt !== null) this.samples.updateGapMs.push(now - this.lastUpdateAt)
          this.lastUpdateAt = now
          return
        }
        if (tag !== MessageType.Challenge && tag !== MessageType.Welcome && tag !== MessageType.Pong) return
        const message = decodeServerMessage(bytes, { maxFrameBytes: 64 * 1024 * 1024 })
        if (message.type === 'Challenge') {
          const credential = signChallenge(this.key, { serverName: serverNameOf(this.url), nonce: message.nonce })
          ws.send(encodeClientMessage({ type: 'Authenticate', method: 'signature', credential }))
        } else if (message.type === 'Welcome') {
          ready = true
          const a = this.options.area ?? { minX: 0, minY: 0, maxX: 1000, maxY: 1000 }
          ws.send(encodeClientMessage({ type: 'Subscribe', requestId: 1, queryId: 1, components: ['Body', 'Circle', 'Food', 'Player'], area: { ...a, margin: 20 } }))
          this.timer = setInterval(() => {
            if (ws.readyState === WebSocket.OPEN) ws.send(encodeClientMessage({ type: 'Ping', clientTime: performance.now() }))
          }, this.options.pingEveryMs ?? 100)
          resolve()
        } else if (message.type === 'Pong') {
          this.samples.rttMs.push(performance.now() - message.clientTime)
        }
      })
    })
  }

  /** @returns the samples since the last call, and starts new ones */
  drain(): ProbeSamples {
    const out = this.samples
    this.samples = { rttMs: [], updateGapMs: [], bytesReceived: 0, disconnects: 0 }
    return out
  }

  /** Closes the connection (not counted as a disconnect). */
  stop(): void {
    this.stopped = true
    this.stopTimer()
    this.ws?.close(1000)
  }

  private stopTimer(): void {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
  }
}
