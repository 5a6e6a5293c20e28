import type { CloseEventLike, MessageEventLike, WebSocketConstructorLike, WebSocketLike } from '@orrery/connection'

/** Options of {@link worldWebSocket}. */
export interface WorldSocketOptions {
  /** The world's id. */
  readonly worldId: string
  /** The seat ticket presented on every connect (a reservation from matchmaking, or the client's own). */
  readonly ticket: string
  /** Addresses of processes of the world host cluster (`http(s)://host:port` or `ws(s)://`); any one says where the world is. */
  readonly processes: readonly string[]
  /** The URL of the first connect, when it is known already (matchmaking's answer); later connects look the world up. */
  readonly firstUrl?: string
  /** The WebSocket class underneath. Default `globalThis.WebSocket`, else `ws` in Node. */
  readonly WebSocket?: WebSocketConstructorLike
  /** How long a connect looks for a live process holding the world before it fails, ms. Default 10 000. */
  readonly locateTimeoutMs?: number
}

const NODE_WEBSOCKET_MODULE = 'ws'
const httpOf = (address: string): string => address.replace(/^ws/, 'http').replace(/\/+$/, '')

/** `ws(s)://host:port/worlds/<id>?ticket=<ticket>` for a process address. */
export function worldSocketUrl(address: string, worldId: string, ticket: string): string {
  return `${httpOf(address).replace(/^http/, 'ws')}/worlds/${encodeURIComponent(worldId)}?ticket=${encodeURIComponent(ticket)}`
}

async function baseWebSocket(given: WebSocketConstructorLike | undefined): Promise<WebSocketConstructorLike> {
  if (given !== undefined) return given
  const global = (globalThis as { WebSocket?: WebSocketConstructorLike }).WebSocket
  if (global !== undefined) return global
  const module = (await import(/* @vite-ignore */ NODE_WEBSOCKET_MODULE)) as { WebSocket?: WebSocketConstructorLike; default?: WebSocketConstructorLike }
  const found = module.WebSocket ?? module.default
  if (found === undefined) throw new Error('no WebSocket implementation')
  return found
}

/**
 * Asks the processes in turn where a world lives until one names a live process.
 * @returns the WebSocket URL of the world, or null when none answered in time or the world is unknown
 */
export async function locateWorld(options: WorldSocketOptions, isClosed: () => boolean = () => false): Promise<string | null> {
  const deadline = Date.now() + (options.locateTimeoutMs ?? 10_000)
  let turn = 0
  while (Date.now() < deadline && !isClosed()) {
    const base = options.processes[turn++ % options.processes.length]
    if (base === undefined) return null
    try {
      const response = await fetch(`${httpOf(base)}/worlds/${encodeURIComponent(options.worldId)}`, { signal: AbortSignal.timeout(2_000) })
      if (response.status === 404) return null
      if (response.ok) {
        const world = (await response.json()) as { address?: string | null; live?: boolean }
        if (world.live === true && typeof world.address === 'string') return worldSocketUrl(world.address, options.worldId, options.ticket)
      }
    } catch {
      // That process is down: ask the next one.
    }
    if (turn % options.processes.length === 0) await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return null
}

/**
 * A WebSocket class for `@orrery/connection` that connects to a world wherever it lives: each socket first
 * asks the cluster where the world is (the first one may use matchmaking's URL), then opens to that process.
 * So a client follows its world when it moves to another process (failover) and resumes there.
 *
 * @param options - world, ticket, processes, see {@link WorldSocketOptions}
 * @returns the class; the URL given to its constructor is ignored
 */
export function worldWebSocket(options: WorldSocketOptions): WebSocketConstructorLike {
  let first = options.firstUrl
  return class WorldSocket implements WebSocketLike {
    onopen: WebSocketLike['onopen'] = null
    onmessage: WebSocketLike['onmessage'] = null
    onclose: WebSocketLike['onclose'] = null
    onerror: WebSocketLike['onerror'] = null
    private inner: WebSocketLike | null = null
    private state = 0
    private type = 'arraybuffer'

    constructor(_url: string) {
      const url = first
      first = undefined
      this.start(url).catch((error: unknown) => this.fail(error))
    }

    get binaryType(): string {
      return this.type
    }

    set binaryType(value: string) {
      this.type = value
      if (this.inner === null) return
      this.inner.binaryType = value
      this.type = this.inner.binaryType
    }

    get readyState(): number {
      return this.inner?.readyState ?? this.state
    }

    send(data: Uint8Array): void {
      if (this.inner === null) throw new Error('the world socket is not open')
      this.inner.send(data)
    }

    close(code?: number, reason?: string): void {
      if (this.inner !== null) {
        this.inner.close(code, reason)
        return
      }
      if (this.state === 3) return
      this.state = 3
      queueMicrotask(() => this.onclose?.({ code: code ?? 1000, reason: reason ?? '' }))
    }

    private async start(known: string | undefined): Promise<void> {
      const [Base, url] = await Promise.all([baseWebSocket(options.WebSocket), known ?? locateWorld(options, () => this.state === 3)])
      if (this.state === 3) return
      if (url === null) throw new Error(`no live process holds world '${options.worldId}'`)
      const inner = new Base(url)
      inner.binaryType = this.type
      // A WHATWG WebSocket (browsers, Node 22's global one) keeps its binaryType on a value it does not know,
      // such as ws's 'nodebuffer' that the connection asks for first: frames would then arrive as Blobs.
      if (inner.binaryType !== this.type) {
        inner.binaryType = 'arraybuffer'
        this.type = 'arraybuffer'
      }
      inner.onopen = (event: unknown) => this.onopen?.(event)
      inner.onmessage = (event: MessageEventLike) => this.onmessage?.(event)
      inner.onerror = (event: unknown) => this.onerror?.(event)
      inner.onclose = (event: CloseEventLike) => this.onclose?.(event)
      this.inner = inner
    }

    private fail(error: unknown): void {
      if (this.state === 3) return
      this.state = 3
      this.onerror?.(error)
      this.onclose?.({ code: 1006, reason: error instanceof Error ? error.message : String(error) })
    }
  }
}
