/** Tick-time figures of one part of the tick, ms. */
export interface TimeSplit {
  readonly mean: number
  readonly p99: number
}

/** What the server process measured over the window. */
export interface ServerReport {
  readonly windowS: number
  readonly ticks: number
  readonly skippedTicks: number
  readonly tickP50Ms: number
  readonly tickP99Ms: number
  readonly tickMeanMs: number
  /** CPU time the server process used during a tick (unlike wall time, not inflated when other processes hold the core). */
  readonly tickCpuP50Ms: number
  readonly tickCpuP99Ms: number
  /** The module's systems (game rules). */
  readonly simulation: TimeSplit
  /** The replicator collecting each client's view. */
  readonly replication: TimeSplit
  /** The replicator encoding each client's frame. */
  readonly encoding: TimeSplit
  /** The rest of a tick: transaction commits, socket writes, acknowledgements. */
  readonly other: TimeSplit
  /** Entities with a Body (mean over the window). */
  readonly entities: number
  /** Entities with a Circle: the players' circles, which move every tick (mean over the window). */
  readonly movingEntities: number
  readonly clients: number
  readonly bytesSent: number
  readonly errors: number
  readonly rssBaseMB: number
  readonly rssMB: number
  /** Share of one core the server process used over the window, %. */
  readonly cpuPct: number
}

/** What the client process measured over the window, summed over its clients. */
export interface ClientReport {
  readonly windowS: number
  readonly clientsConnected: number
  readonly bytesReceived: number
  readonly framesReceived: number
  /** Body rows of circles whose x or y changed, as the replicas applied them. */
  readonly movingUpdates: number
  /** Clients whose updates were measured part by part, and all the bytes they received. */
  readonly sampledClients: number
  readonly sampledBytes: number
  /** Of the sampled clients' bytes: the inserts, deletes and updates parts of their TransactionUpdates. */
  readonly insertBytes: number
  readonly deleteBytes: number
  /** Update rows of the Body table (food never moves: these are the circles) and their bytes, run headers included. */
  readonly movingTableUpdateBytes: number
  readonly movingTableUpdateRows: number
  readonly otherUpdateBytes: number
  readonly handleBytes: number
  readonly eventBytes: number
  readonly rowsInserted: number
  readonly rowsDeleted: number
  readonly areaMoves: number
  readonly inputsSent: number
  /** Respawn calls after all of a player's circles were eaten. */
  readonly respawns: number
  readonly errors: number
  /** A few error messages, for the log. */
  readonly errorSamples: readonly string[]
  /** Share of one core the client process used over the window, %. */
  readonly cpuPct: number
  /** Resident set of the client process at the end of the window, MB. */
  readonly rssMB: number
}

/** Parent → child. */
export type Command = { readonly kind: 'start' } | { readonly kind: 'report' } | { readonly kind: 'quit' }

/** Server process → parent. */
export type ServerEvent =
  | { readonly kind: 'ready'; readonly port: number; readonly entities: number }
  | { readonly kind: 'report'; readonly report: ServerReport }

/** Client process → parent. */
export type ClientEvent =
  | {
      readonly kind: 'connected'
      readonly connected: number
      readonly failed: number
      readonly errorSamples: readonly string[]
      readonly elapsedMs: number
      /** Per client: socket open to initial subscriptions applied, and to enterGame answered (median, max), ms. */
      readonly connectP50Ms: number
      readonly enterP50Ms: number
      readonly enterMaxMs: number
    }
  | { readonly kind: 'report'; readonly report: ClientReport }
