import { type DestinationStream, type Logger, type LoggerOptions, pino, type redactOptions } from 'pino'
import { PinoPretty } from 'pino-pretty'

/**
 * Log fields that may hold a credential: their values are replaced by `[redacted]` in every
 * line the server writes, whatever logger it was given.
 */
export const REDACTED_PATHS: readonly string[] = [
  'token',
  'accessToken',
  'refreshToken',
  'helloToken',
  'credential',
  'signature',
  'secret',
  'secretKey',
  'privateKey',
  'signingKey',
  'password',
  'apiKey',
  'nonce',
  'authorization',
  'cookie',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.helloToken',
  '*.credential',
  '*.signature',
  '*.secret',
  '*.secretKey',
  '*.privateKey',
  '*.signingKey',
  '*.password',
  '*.apiKey',
  '*.nonce',
  '*.authorization',
  '*.d',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'request.headers.authorization',
  'request.headers.cookie',
  'res.headers["set-cookie"]',
  'response.headers["set-cookie"]',
]

const REDACT: redactOptions = { paths: [...REDACTED_PATHS], censor: '[redacted]' }

/**
 * Turns the `logger` server option into a pino logger.
 * @param option - a pino logger (used as is), pino options (a new logger), false (a silent logger) or undefined (pino defaults)
 * @param name - the `name` binding of a logger created here
 * @returns the logger the server and its connections log through
 */
export function resolveLogger(option: Logger | LoggerOptions | false | undefined, name: string): Logger {
  if (option === false) return pino({ enabled: false })
  if (option === undefined) return pino({ name, redact: REDACT })
  // A given logger keeps its own settings; a child adds the redaction.
  if (isLogger(option)) return option.child({}, { redact: REDACT })
  const paths = Array.isArray(option.redact) ? option.redact : (option.redact?.paths ?? [])
  return pino({ name, ...option, redact: { ...REDACT, paths: [...REDACT.paths, ...paths] } })
}

function isLogger(value: Logger | LoggerOptions): value is Logger {
  const candidate = value as Partial<Logger>
  return typeof candidate.child === 'function' && typeof candidate.info === 'function'
}

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  /** The `name` binding of every line. */
  readonly name?: string
  /** pino level ('fatal' … 'trace', or 'silent'). Default 'info'. */
  readonly level?: string
  /** 'json': one JSON object a line (production); 'pretty': colored lines through pino-pretty (development). Default 'json'. */
  readonly format?: 'json' | 'pretty'
  /** File descriptor written to. Default 2 (stderr). */
  readonly fd?: number
}

/**
 * A pino logger as a configuration asks for it (`logLevel`, `logFormat`), with credentials redacted
 * ({@link REDACTED_PATHS}) in either format. Lines are written synchronously.
 *
 * @param options - name, level, format and file descriptor, see {@link CreateLoggerOptions}
 * @returns the logger (pass it as the `logger` server option)
 * @example
 * ```ts
 * const config = loadConfig({ keys: SERVER_CONFIG_KEYS })
 * const logger = createLogger({ level: config.values.logLevel, format: config.values.logFormat })
 * ```
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const fd = options.fd ?? 2
  const destination: DestinationStream =
    options.format === 'pretty'
      ? PinoPretty({ destination: fd, sync: true, colorize: fd === 2 ? process.stderr.isTTY : process.stdout.isTTY })
      : pino.destination({ dest: fd, sync: true })
  return pino({ ...(options.name === undefined ? {} : { name: options.name }), level: options.level ?? 'info', redact: REDACT }, destination)
}
