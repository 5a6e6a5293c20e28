import type { Component } from '@orrery/ecs'
import type { SchemaDescription } from '@orrery/protocol'
import { SyncError } from './sync-error.js'

/**
 * Maps the server's table ids to local components by name, checking that their fields agree.
 *
 * Tables the client does not know map to `undefined` (an update naming one is rejected); local
 * components the server lacks are simply never received.
 *
 * @param schema - the server's schema (from Welcome)
 * @param components - the client's components
 * @returns table id → local component (or undefined)
 * @throws SyncError `ERR_SCHEMA_MISMATCH` when a component of the same name has other fields, order or types
 * @example
 * ```ts
 * import { defineComponent } from '@orrery/ecs'
 * import type { Welcome } from '@orrery/protocol'
 * const Body = defineComponent('Body', { x: 'f32', y: 'f32' })
 * const Player = defineComponent('Player', { name: 'string' })
 * declare const welcome: Welcome // the server's Welcome message
 * const tables = mapSchema(welcome.schema, [Body, Player])
 * ```
 */
export function mapSchema(schema: SchemaDescription, components: readonly Component[]): (Component | undefined)[] {
  const byName = new Map<string, Component>(components.map((c) => [c.name, c]))
  return schema.components.map(([name, fields]) => {
    const local = byName.get(name)
    if (local === undefined) return undefined
    const localFields = local.fields
    const same =
      localFields.length === fields.length &&
      fields.every(([field, type], i) => localFields[i] === field && local.schema[field] === type)
    if (!same) {
      const theirs = fields.map(([field, type]) => `${field}:${type}`).join(', ')
      const ours = localFields.map((field) => `${field}:${local.schema[field]}`).join(', ')
      throw new SyncError('ERR_SCHEMA_MISMATCH', `component ${name}: server has {${theirs}}, client has {${ours}}`)
    }
    return local
  })
}
