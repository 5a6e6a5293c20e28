import { type Logger, type LoggerOptions, pino } from 'pino'

/**
 * Turns the `logger` server option into a pino logger.
 * @param option - a pino logger (used as is), pino options (a new logger), false (a silent logger) or undefined (pino defaults)
 * @param name - the `name` binding of a logger created here
 * @returns the logger the server and its connections log through
 */
export function resolveLogger(option: Logger | LoggerOptions | false | undefined, name: string): Logger {
  if (option === false) return pino({ enabled: false })
  if (option === undefined) return pino({ name })
  if (isLogger(option)) return option
  return pino({ name, ...option })
}

function isLogger(value: Logger | LoggerOptions): value is Logger {
  const candidate = value as Partial<Logger>
  return typeof candidate.child === 'function' && typeof candidate.info === 'function'
}
