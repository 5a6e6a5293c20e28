import type { ConfigSource } from './load-config.js'

/**
 * The settings the production profile refuses, each with how to fix it: an Origin allow-list that is
 * missing, empty or holds `*`; the anonymous authenticator (random secret, anyone signs in); the monitor
 * on without being asked for. Keys the configuration does not have are not checked.
 *
 * @param values - the effective values by key
 * @param sources - where each came from
 * @returns one message per refused setting (empty: nothing to refuse)
 */
export function unsafeSettings(values: Readonly<Record<string, unknown>>, sources: Readonly<Record<string, ConfigSource>>): string[] {
  const refused: string[] = []
  if ('allowedOrigins' in values) {
    const origins = values.allowedOrigins as readonly string[] | undefined
    if (origins === undefined || origins.length === 0) {
      refused.push('allowedOrigins: an Origin allow-list is needed (ORRERY_ALLOWED_ORIGINS or --origin): without one any web page may open a WebSocket')
    } else if (origins.includes('*')) {
      refused.push("allowedOrigins: '*' lets any web page open a WebSocket: list the origins of your pages")
    }
  }
  if (values.auth === 'anonymous') {
    refused.push('auth: the anonymous authenticator (a random secret per process, anyone signs in) is for development: use auth=key')
  }
  if (values.monitor === true && sources.monitor?.kind === 'default') {
    refused.push('monitor: the monitor is on by default here: enable it explicitly (ORRERY_MONITOR=true or --monitor) or turn it off')
  }
  return refused
}
