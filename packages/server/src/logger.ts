import { type Logger, type LoggerOptions, pino, type redactOptions } from 'pino'

/**
 * Log fields that may hold a credential: their values are replaced by `[redacted]` in every
 * line the server writes, whatever logger it was given.
 */
export const REDACTED_PATHS: readonly string[] = [
  'token',
  'credential',
  'signature',
  'secretKey',
  'privateKey',
  'nonce',
  'helloToken',
  'authorization',
  '*.token',
  '*.credential',
  '*.signature',
  '*.secretKey',
  '*.privateKey',
  '*.nonce',
  '*.helloToken',
  '*.d',
  'req.headers.authorization',
  'req.headers.cookie',
  'request.headers.authorization',
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
