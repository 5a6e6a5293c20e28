/// <reference lib="esnext.disposable" />
import { type ComponentList, type ConnectOptions, connect, type OrreryClient } from '@orrery/client'
import type { Component, Entity, Row, Schema } from '@orrery/ecs'
import type { ArgsSchema } from '@orrery/protocol'
import { createServer, type ModuleDef, type OrreryServer, type ServerOptions } from '@orrery/server'
import { type Driver, driveSettle, driveUntil } from './drive.js'
import { ManualClock } from './manual-clock.js'
import { TestingError } from './testing-error.js'

/** The default of every wait's `timeoutMs`: 5 000 ms of real time. */
export const DEFAULT_TIMEOUT_MS = 5_000

/** Options of {@link createTestServer}: the server's options, less those the test server sets. */
export interface TestServerOptions<R extends Record<string, ArgsSchema>>
  extends Omit<ServerOptions<R>, 'port' | 'host' | 'autoStart' | 'clock' | 'httpServer' | 'logger'> {
  /** The server's logger, as in `createServer`. Default false (no logs). */
  readonly logger?: ServerOptions<R>['logger']
  /** The default timeout of every wait, ms of real time. Default {@link DEFAULT_TIMEOUT_MS}. */
  readonly timeoutMs?: number
}

/** Options of {@link TestServer.connect}: the client's options, less the URL. */
export type TestConnectOptions<C extends ComponentList, R extends Record<string, ArgsSchema>> = Omit<
  ConnectOptions<C, R>,
  'url' | 'components' | 'reducers'
> & {
  /** The components the client replicates. Default: the module's (pass them as a record for a typed `db`). */
  readonly components?: C
  /** The reducers' arg schemas. Default: the module's (pass your shared `as const` object for typed `reducers`). */
  readonly reducers?: R
  /** How long the handshake and the initial subscriptions may take, ms. Default: the server's `timeoutMs`. */
  readonly timeoutMs?: number
}

/** Options of a wait: its timeout and the words its timeout error uses. */
export interface WaitOptions {
  /** Real milliseconds before the wait fails with `TestingError` `ERR_TIMEOUT`. Default: the server's `timeoutMs`. */
  readonly timeoutMs?: number
  /** What is awaited, for the timeout error's message. */
  readonly what?: string
}

/** What the waits need of a client: any `OrreryClient`. */
export type ClientLike = Pick<OrreryClient<ComponentList, Record<string, ArgsSchema>>, 'replica' | 'identity' | 'disconnect'>

/** A server running a module in-process, its clients, and the waits a test needs; see {@link createTestServer}. */
export interface TestServer<R extends Record<string, ArgsSchema>> extends AsyncDisposable {
  /** The server, listening on 127.0.0.1 with its tick loop stopped: ticks run through {@link TestServer.step}. */
  readonly server: OrreryServer
  /** The server's WebSocket URL, `ws://127.0.0.1:<port>`. */
  readonly url: string
  /** The server's clock: its timers (heartbeat, resume windows) fire only through {@link TestServer.advance}. */
  readonly clock: ManualClock
  /** The clients connected through {@link TestServer.connect} and not yet disposed. */
  readonly clients: readonly ClientLike[]
  /** The module's reducer schemas, as a client passes them to `connect`. */
  readonly reducers: R
  /** Runs `ticks` server ticks now (default 1): due systems, then each client's update. */
  step(ticks?: number): void
  /** Moves the server's clock forward by `ms` milliseconds, firing its due timers. */
  advance(ms: number): void
  /**
   * Connects a real client over a WebSocket, stepping the server until its initial subscriptions are applied.
   * @throws {TestingError} `ERR_TIMEOUT` when it is not connected within `timeoutMs`
   */
  connect<C extends ComponentList = readonly Component[], R2 extends Record<string, ArgsSchema> = R>(
    options?: TestConnectOptions<C, R2>,
  ): Promise<OrreryClient<C, R2>>
  /** Connects `count` clients one after the other, see {@link TestServer.connect}. */
  connectMany<C extends ComponentList = readonly Component[], R2 extends Record<string, ArgsSchema> = R>(
    count: number,
    options?: TestConnectOptions<C, R2>,
  ): Promise<OrreryClient<C, R2>[]>
  /**
   * Steps the server once per event-loop turn until `promise` settles (a reducer call resolves after the tick
   * that sends its effects), and returns its value or throws its error.
   * @throws {TestingError} `ERR_TIMEOUT` when it has not settled within the timeout
   */
  settle<T>(promise: Promise<T>, options?: WaitOptions): Promise<T>
  /**
   * Steps the server once per event-loop turn until `probe` returns something other than undefined or false.
   * @returns what `probe` returned
   * @throws {TestingError} `ERR_TIMEOUT` when it has not within the timeout
   */
  until<T>(probe: () => T | undefined | false, options?: WaitOptions): Promise<T>
  /**
   * Waits, without stepping, for the next update `client` applies (step the server to send one).
   * @returns the seq the client's replica reached
   * @throws {TestingError} `ERR_TIMEOUT` when none arrives within the timeout
   */
  nextUpdate(client: ClientLike, options?: WaitOptions): Promise<number>
  /**
   * Steps the server until `client`'s replica holds a row of `component` for which `predicate` is true.
   * @returns the entity and a copy of its row
   * @throws {TestingError} `ERR_TIMEOUT` when no row matches within the timeout
   */
  waitForRow<S extends Schema>(
    client: ClientLike,
    component: Component<S>,
    predicate: (row: Row<S>, e: Entity) => boolean,
    options?: WaitOptions,
  ): Promise<[Entity, Row<S>]>
  /** Disconnects every client and closes the server; idempotent. `await using` calls it. */
  dispose(): Promise<void>
}

/** The arg schemas of a module's reducers, by name. */
function reducerSchemas<R extends Record<string, ArgsSchema>>(module: ModuleDef<R>): R {
  return Object.fromEntries(Object.entries(module.reducers).map(([name, def]) => [name, def.args])) as R
}

/**
 * Boots a server with `options.module` in-process on 127.0.0.1, port 0, with its tick loop stopped and a
 * {@link ManualClock}: nothing happens on the server between the test's own steps. Clients connect over real
 * WebSockets; every wait has a real-time timeout that fails with a message naming what was awaited.
 *
 * @param options - the module and any server option but `port`, `host`, `autoStart`, `clock` and `httpServer`; see {@link TestServerOptions}
 * @returns the listening test server; dispose it (`await using`, or `dispose()` in `afterEach`)
 * @throws {ServerError} from `createServer` and `listen()` (`ERR_INVALID_OPTIONS`, `ERR_INIT_FAILED`)
 * @example
 * ```ts
 * import { defineComponent } from '@orrery/ecs'
 * import { defineModule, defineReducer } from '@orrery/server'
 *
 * const Counter = defineComponent('Counter', { value: 'i32' })
 * const module = defineModule({
 *   name: 'counter',
 *   components: [Counter],
 *   reducers: { add: defineReducer({ value: 'i32' }, (ctx, { value }) => ctx.world.add(ctx.world.create(), Counter, { value })) },
 * })
 *
 * await using t = await createTestServer({ module })
 * const [alice, bob] = await t.connectMany(2)
 * await t.settle(alice!.reducers.add({ value: 3 }))
 * const [, row] = await t.waitForRow(bob!, Counter, (row) => row.value === 3)
 * ```
 */
export async function createTestServer<R extends Record<string, ArgsSchema>>(options: TestServerOptions<R>): Promise<TestServer<R>> {
  const { timeoutMs = DEFAULT_TIMEOUT_MS, logger = false, ...serverOptions } = options
  const clock = new ManualClock()
  const server = createServer<R>({ ...serverOptions, logger, port: 0, host: '127.0.0.1', autoStart: false, clock })
  const { port } = await server.listen()
  return new Harness(server, `ws://127.0.0.1:${port}`, clock, options.module.components, reducerSchemas(options.module), timeoutMs)
}

class Harness<R extends Record<string, ArgsSchema>> implements TestServer<R>, Driver {
  readonly clients: ClientLike[] = []
  private closing: Promise<void> | null = null

  constructor(
    readonly server: OrreryServer,
    readonly url: string,
    readonly clock: ManualClock,
    private readonly components: readonly Component[],
    readonly reducers: R,
    private readonly timeoutMs: number,
  ) {}

  step(ticks = 1): void {
    if (this.closing !== null) throw new TestingError('ERR_DISPOSED', 'step() on a disposed test server')
    for (let i = 0; i < ticks; i++) this.server.step()
  }

  advance(ms: number): void {
    this.clock.advance(ms)
  }

  disposed(): boolean {
    return this.closing !== null
  }

  async connect<C extends ComponentList = readonly Component[], R2 extends Record<string, ArgsSchema> = R>(
    options: TestConnectOptions<C, R2> = {},
  ): Promise<OrreryClient<C, R2>> {
    const { components, reducers, timeoutMs = this.timeoutMs, ...rest } = options
    const connecting = connect<C, R2>({
      ...rest,
      url: this.url,
      components: components ?? (this.components as unknown as C),
      reducers: reducers ?? (this.reducers as unknown as R2),
    } as ConnectOptions<C, R2>)
    // A client that connects after its wait timed out is still closed at dispose (or at once, after it).
    connecting.then(
      (client) => {
        if (this.closing === null) this.clients.push(client as unknown as ClientLike)
        else void client.disconnect().catch(() => undefined)
      },
      () => undefined,
    )
    return driveSettle(this, connecting, `client ${this.clients.length + 1} to connect to ${this.url}`, timeoutMs)
  }

  async connectMany<C extends ComponentList = readonly Component[], R2 extends Record<string, ArgsSchema> = R>(
    count: number,
    options?: TestConnectOptions<C, R2>,
  ): Promise<OrreryClient<C, R2>[]> {
    const made: OrreryClient<C, R2>[] = []
    for (let i = 0; i < count; i++) made.push(await this.connect(options))
    return made
  }

  settle<T>(promise: Promise<T>, options: WaitOptions = {}): Promise<T> {
    return driveSettle(this, promise, options.what ?? 'a promise to settle', options.timeoutMs ?? this.timeoutMs)
  }

  async until<T>(probe: () => T | undefined | false, options: WaitOptions = {}): Promise<T> {
    let value: T | undefined | false
    await driveUntil(this, () => (value = probe()) !== undefined && value !== false, options.what ?? 'a condition', options.timeoutMs ?? this.timeoutMs)
    return value as T
  }

  nextUpdate(client: ClientLike, options: WaitOptions = {}): Promise<number> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs
    const what = options.what ?? `the next update of client ${client.identity.slice(0, 8)}`
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off()
        reject(new TestingError('ERR_TIMEOUT', `timed out after ${timeoutMs} ms waiting for ${what} (no step sent it one?)`))
      }, timeoutMs)
      const off = client.replica.onApplied((seq) => {
        clearTimeout(timer)
        off()
        resolve(seq)
      })
    })
  }

  waitForRow<S extends Schema>(
    client: ClientLike,
    component: Component<S>,
    predicate: (row: Row<S>, e: Entity) => boolean,
    options: WaitOptions = {},
  ): Promise<[Entity, Row<S>]> {
    const world = client.replica.world
    const find = (): [Entity, Row<S>] | undefined => {
      for (const e of world.query([component])) {
        const row = world.get(e, component)
        if (row !== undefined && predicate(row, e)) return [e, row]
      }
      return undefined
    }
    return this.until(find, { what: options.what ?? `a ${component.name} row that matches`, ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) })
  }

  dispose(): Promise<void> {
    this.closing ??= this.close()
    return this.closing
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose()
  }

  private async close(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((client) => client.disconnect().catch(() => undefined)))
    await this.server.close()
  }
}
