import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net'

/**
 * Options of {@link createFaultProxy}.
 *
 * @example
 * ```ts
 * const options: FaultProxyOptions = { targetPort: 3000, delayMs: 50 }
 * ```
 */
export interface FaultProxyOptions {
  /** Port of the server the proxy forwards to. */
  readonly targetPort: number
  /** Host of that server. Default '127.0.0.1'. */
  readonly targetHost?: string
  /** Port to listen on; 0 picks a free one. Default 0. */
  readonly port?: number
  /** Delay added to every chunk in each direction, ms (so the RTT grows by twice this). Default 0. */
  readonly delayMs?: number
}

/** One proxied TCP connection: the client's socket and the proxy's socket to the server. */
export interface ProxyLink {
  /** A number unique in this proxy, in accept order (1, 2, …). */
  readonly id: number
  /** Ends both sockets at once, as a network failure does (both peers see an abnormal closure). */
  cut(): void
  /** Stops forwarding in both directions while keeping both sockets open: a half-open connection. */
  blackhole(): void
}

/**
 * A TCP proxy on loopback that injects faults between a client and a server: added latency, throttled
 * bandwidth, cut connections, half-open (black-holed) connections, and refused connects.
 */
export interface FaultProxy {
  /** The port the proxy listens on. */
  readonly port: number
  /** The links open now. */
  readonly links: readonly ProxyLink[]
  /** Connections accepted so far. */
  readonly accepted: number
  /** Points new connections at another server port (e.g. a restarted server's). */
  setTarget(port: number): void
  /** Sets the one-way delay of every chunk from now on, ms. */
  setDelay(ms: number): void
  /** Limits each direction of each link to this many bytes per second; 0 lifts the limit. */
  setThrottle(bytesPerSecond: number): void
  /** While true, new connections are accepted and closed at once (the server looks down). */
  refuse(on: boolean): void
  /** Cuts every open link. */
  cutAll(): void
  /** Black-holes every open link (see {@link ProxyLink.blackhole}). */
  blackholeAll(): void
  /** Stops listening and ends every link. */
  close(): Promise<void>
}

interface Pipe {
  /** Time the last chunk of this direction is due, ms (keeps chunks in order under delay and throttle). */
  due: number
}

/**
 * Starts a fault-injecting TCP proxy on 127.0.0.1.
 *
 * @param options - target and initial delay, see {@link FaultProxyOptions}
 * @returns the listening proxy
 * @example
 * ```ts
 * const proxy = await createFaultProxy({ targetPort: server.port })
 * const client = await connect({ url: `ws://127.0.0.1:${proxy.port}`, ... })
 * proxy.cutAll() // the client reconnects through the proxy and resumes
 * await proxy.close()
 * ```
 */
export async function createFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  let delayMs = options.delayMs ?? 0
  let targetPort = options.targetPort
  let throttle = 0
  let refusing = false
  let accepted = 0
  const links = new Set<ProxyLink & { destroy(): void }>()
  const server: Server = createServer({ noDelay: true }, (client) => {
    accepted++
    if (refusing) {
      client.destroy()
      return
    }
    const upstream = tcpConnect({ host: options.targetHost ?? '127.0.0.1', port: targetPort, noDelay: true })
    let holed = false
    let ended = false
    const timers = new Set<ReturnType<typeof setTimeout>>()
    const destroy = (): void => {
      if (ended) return
      ended = true
      for (const t of timers) clearTimeout(t)
      timers.clear()
      links.delete(link)
      reset(client)
      reset(upstream)
    }
    const forward = (from: Socket, to: Socket): void => {
      const pipe: Pipe = { due: 0 }
      from.on('data', (chunk: Buffer) => {
        if (holed || ended) return
        const now = performance.now()
        const transfer = throttle > 0 ? (chunk.byteLength / throttle) * 1000 : 0
        const due = Math.max(now + delayMs, pipe.due) + transfer
        pipe.due = due
        if (due - now < 1) {
          to.write(chunk)
          return
        }
        const timer = setTimeout(() => {
          timers.delete(timer)
          if (!holed && !ended) to.write(chunk)
        }, due - now)
        timers.add(timer)
      })
    }
    const link = {
      id: accepted,
      cut: destroy,
      blackhole: () => {
        holed = true
      },
      destroy,
    }
    links.add(link)
    forward(client, upstream)
    forward(upstream, client)
    // A black-holed link stays open even when one side gives up: a half-open connection.
    const onGone = (): void => {
      if (!holed) destroy()
    }
    for (const socket of [client, upstream]) {
      socket.on('error', onGone)
      socket.on('close', onGone)
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return {
    port,
    get links() {
      return [...links]
    },
    get accepted() {
      return accepted
    },
    setTarget(port) {
      targetPort = port
    },
    setDelay(ms) {
      delayMs = ms
    },
    setThrottle(bytesPerSecond) {
      throttle = bytesPerSecond
    },
    refuse(on) {
      refusing = on
    },
    cutAll() {
      for (const link of [...links]) link.cut()
    },
    blackholeAll() {
      for (const link of links) link.blackhole()
    },
    close() {
      for (const link of [...links]) link.destroy()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function reset(socket: Socket): void {
  if (socket.destroyed) return
  if (typeof socket.resetAndDestroy === 'function' && socket.readyState === 'open') socket.resetAndDestroy()
  else socket.destroy()
}
