import { type FSWatcher, watch } from 'node:fs'
import { basename, dirname } from 'node:path'
import type { Logger } from 'pino'
import type { OrreryServer } from '../orrery-server.js'
import type { ConfigKeys } from './config-key.js'
import type { LiveSettings } from './live-settings.js'
import type { LoadedConfig } from './load-config.js'
import { showValue } from './print-config.js'

/** One key whose value changed at a reload. */
export interface KeyChange {
  readonly key: string
  readonly from: unknown
  readonly to: unknown
}

/** What a reload did. */
export interface ReloadOutcome {
  /** False when the new configuration was refused (the old one stays); `error` says why. */
  readonly ok: boolean
  /** Changes of live keys, applied through `server.reconfigure`. */
  readonly applied: readonly KeyChange[]
  /** Changes of keys read at start (port, host, data folder, tick rate, …): logged, not applied. */
  readonly needsRestart: readonly KeyChange[]
  readonly error?: unknown
}

/** Options of {@link watchConfig}. */
export interface WatchConfigOptions<K extends ConfigKeys> {
  /** The configuration the server runs with. */
  readonly initial: LoadedConfig<K>
  /** Loads the configuration again, as at start (usually `() => loadConfig(sameOptions)`). */
  readonly load: () => LoadedConfig<K>
  /** The running server. */
  readonly server: Pick<OrreryServer, 'reconfigure'>
  /** Where the reload is logged (old → new values, keys needing a restart, refused configurations). */
  readonly log: Logger
  /** The signal that reloads; false for none. Default 'SIGHUP'. */
  readonly signal?: NodeJS.Signals | false
  /** Reload when the config file changes (fs.watch on its folder). Default true; nothing to watch without a file. */
  readonly watchFile?: boolean
  /** Called after each reload. */
  readonly onReload?: (outcome: ReloadOutcome) => void
}

/** A running {@link watchConfig}. */
export interface ConfigReloader<K extends ConfigKeys> {
  /** The configuration in effect (keys needing a restart keep the values the server started with). */
  readonly current: LoadedConfig<K>
  /** Reloads now, as the signal or a file change does. */
  reload(): ReloadOutcome
  /** Stops watching and removes the signal handler. */
  close(): void
}

const DEBOUNCE_MS = 100

/**
 * Reloads the configuration on SIGHUP and when the config file changes: changed live keys (log level,
 * AOI hysteresis, rate limits) go to `server.reconfigure` and are logged as `old → new`; a changed key read
 * at start (port, host, data folder, tick rate, …) is logged as needing a restart and not applied; a
 * configuration that does not load is logged and the old one kept.
 *
 * @param options - see {@link WatchConfigOptions}
 * @returns the reloader; `close()` it at shutdown
 * @example
 * ```ts
 * const module = defineModule({ name: 'empty', components: [], reducers: {} })
 * const options = { keys: SERVER_CONFIG_KEYS }
 * const config = loadConfig(options)
 * const server = createServer({ module, ...serverOptionsFromConfig(config.values) })
 * const reloader = watchConfig({ initial: config, load: () => loadConfig(options), server, log: server.log })
 * ```
 */
export function watchConfig<K extends ConfigKeys>(options: WatchConfigOptions<K>): ConfigReloader<K> {
  const { log, server } = options
  let current = options.initial
  let timer: NodeJS.Timeout | null = null
  let watcher: FSWatcher | null = null
  const reload = (): ReloadOutcome => {
    let next: LoadedConfig<K>
    try {
      next = options.load()
    } catch (error) {
      log.error({ err: error }, `configuration not reloaded, the running one is kept: ${error instanceof Error ? error.message : String(error)}`)
      return done({ ok: false, applied: [], needsRestart: [], error })
    }
    const applied: KeyChange[] = []
    const needsRestart: KeyChange[] = []
    const values = { ...next.values } as Record<string, unknown>
    const sources = { ...next.sources } as Record<string, unknown>
    for (const [key, def] of Object.entries(current.keys)) {
      const from = (current.values as Record<string, unknown>)[key]
      const to = values[key]
      if (JSON.stringify(from) === JSON.stringify(to)) continue
      const change = { key, from, to }
      if (def.reload === 'live') {
        applied.push(change)
      } else {
        needsRestart.push(change)
        values[key] = from
        sources[key] = (current.sources as Record<string, unknown>)[key]
      }
    }
    const show = (c: KeyChange): string => {
      const secret = current.keys[c.key]?.secret === true
      return `${c.key} ${showValue(c.from, secret)} → ${showValue(c.to, secret)}`
    }
    if (applied.length > 0) {
      // Logged before it applies, so that a new, higher log level does not hide it.
      log.info({ changes: applied.map(show) }, `configuration reloaded: ${applied.map(show).join(', ')}`)
      try {
        server.reconfigure(liveSettings(applied))
      } catch (error) {
        log.error({ err: error }, 'configuration not applied, the running one is kept')
        return done({ ok: false, applied: [], needsRestart, error })
      }
    }
    for (const change of needsRestart) log.warn({ key: change.key }, `${show(change)} needs a restart: not applied`)
    current = { ...next, values, sources } as LoadedConfig<K>
    return done({ ok: true, applied, needsRestart })
  }
  const done = (outcome: ReloadOutcome): ReloadOutcome => {
    options.onReload?.(outcome)
    return outcome
  }
  const onSignal = (): void => {
    log.info('reloading the configuration (signal)')
    reload()
  }
  const signal = options.signal ?? 'SIGHUP'
  if (signal !== false) process.on(signal, onSignal)
  const file = options.initial.file
  if (file !== null && options.watchFile !== false) {
    watcher = watch(dirname(file), (_event, name) => {
      if (name !== null && name !== basename(file)) return
      // Editors write a file in several steps: reload once they are done.
      if (timer !== null) clearTimeout(timer)
      timer = setTimeout(() => {
        timer = null
        reload()
      }, DEBOUNCE_MS)
    })
    watcher.unref()
  }
  return {
    get current() {
      return current
    },
    reload,
    close() {
      if (signal !== false) process.off(signal, onSignal)
      watcher?.close()
      if (timer !== null) clearTimeout(timer)
    },
  }
}

/** The `server.reconfigure` settings of changed live keys (`logLevel`, `hysteresis`, `limits.*`). */
function liveSettings(changes: readonly KeyChange[]): LiveSettings {
  const limits: Record<string, unknown> = {}
  const settings: Record<string, unknown> = {}
  for (const { key, to } of changes) {
    if (key.startsWith('limits.')) limits[key.slice('limits.'.length)] = to
    else if (key === 'hysteresis') settings.hysteresis = to ?? null
    else if (key === 'logLevel') settings.logLevel = to
  }
  if (Object.keys(limits).length > 0) settings.limits = limits
  return settings as LiveSettings
}
