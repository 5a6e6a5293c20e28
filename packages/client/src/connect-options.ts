import type { Component } from '@orrery/ecs'
import type { ArgsSchema } from '@orrery/protocol'
import { ClientError } from './client-error.js'
import type { ComponentList, ConnectOptions, SubscriptionSpec } from './client-types.js'

/**
 * The subscriptions a client opens with: every component (`'all'` or nothing), the listed names as one
 * whole-table subscription, or the listed specs.
 *
 * @throws ClientError `ERR_INVALID_OPTIONS` when a subscription names a component the client does not have
 */
export function initialSubscriptions(subscribe: ConnectOptions<ComponentList, Record<string, ArgsSchema>>['subscribe'], names: ReadonlySet<string>): SubscriptionSpec[] {
  let specs: SubscriptionSpec[]
  if (subscribe === undefined || subscribe === 'all') specs = [{ components: [...names] }]
  else if (subscribe.every((item): item is string => typeof item === 'string')) specs = subscribe.length === 0 ? [] : [{ components: [...subscribe] }]
  else specs = subscribe.filter((item): item is SubscriptionSpec => typeof item !== 'string')
  for (const spec of specs) {
    for (const name of spec.components) {
      if (!names.has(name)) throw new ClientError('ERR_INVALID_OPTIONS', `subscribe names '${name}', which is not in components`)
    }
  }
  return specs
}

/** The message of a thrown value. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * The components of `connect({ components })` as a list: an array as it is, a record's values (each key
 * must be its component's name).
 *
 * @throws ClientError `ERR_INVALID_OPTIONS` when a key is not its component's name
 */
export function componentArray(list: ComponentList): readonly Component[] {
  if (isComponentArray(list)) return list
  const out: Component[] = []
  for (const [key, c] of Object.entries(list)) {
    if (key !== c.name) throw new ClientError('ERR_INVALID_OPTIONS', `components key '${key}' holds component '${c.name}'; keys must be component names`)
    out.push(c)
  }
  return out
}

function isComponentArray(list: ComponentList): list is readonly Component[] {
  return Array.isArray(list)
}
