import { type Component, defineComponent, type FieldType, type Schema } from '@orrery/ecs'
import { SqliteError } from './sqlite-error.js'

/** The components a data folder was written with: `[name, [[field, type], ...]]`, in registration order. */
export type StoredSchema = readonly (readonly [name: string, fields: readonly (readonly [field: string, type: FieldType])[]])[]

/**
 * The schema of a list of components, as stored.
 * @param components - component definitions
 * @returns their stored form
 * @example
 * ```ts
 * import { defineComponent } from '@orrery/ecs'
 * const Body = defineComponent('Body', { x: 'f32', y: 'f32' })
 * JSON.stringify(schemaOf([Body]))
 * ```
 */
export function schemaOf(components: readonly Component[]): StoredSchema {
  return components.map((c) => [c.name, c.fields.map((f) => [f, c.schema[f] as FieldType] as const)] as const)
}

/**
 * Finds the first difference that stops a stored world from loading into these components: a
 * stored component the module does not define, or a field added, removed, renamed, reordered or
 * retyped. A component the module defines but the store lacks is no difference (it starts empty).
 * @param stored - the stored schema
 * @param components - the module's components
 * @returns a message naming the component and field, or null when they fit
 * @example
 * ```ts
 * import type { Component } from '@orrery/ecs'
 * declare const stored: StoredSchema // read from the data folder
 * declare const components: Component[] // the module's
 * const problem = schemaMismatch(stored, components)
 * ```
 */
export function schemaMismatch(stored: StoredSchema, components: readonly Component[]): string | null {
  const byName = new Map(components.map((c) => [c.name, c]))
  for (const [name, fields] of stored) {
    const c = byName.get(name)
    if (c === undefined) return `component ${name} is stored but the module does not define it`
    const n = Math.max(fields.length, c.fields.length)
    for (let f = 0; f < n; f++) {
      const s = fields[f]
      const d = c.fields[f]
      if (s === undefined) return `component ${name}, field ${d}: defined by the module but not stored`
      if (d === undefined) return `component ${name}, field ${s[0]}: stored but not defined by the module`
      const type = c.schema[d]
      if (s[0] !== d) return `component ${name}, field ${d} (${type}): stored in its place is field ${s[0]} (${s[1]})`
      if (s[1] !== type) return `component ${name}, field ${d}: stored as ${s[1]}, defined as ${type}`
    }
  }
  return null
}

/**
 * Throws when the stored schema does not fit the components.
 * @param stored - the stored schema
 * @param components - the module's components
 * @throws {SqliteError} `ERR_SCHEMA_MISMATCH` naming the component and field
 * @example
 * ```ts
 * import type { Component } from '@orrery/ecs'
 * declare const stored: StoredSchema // read from the data folder
 * declare const components: Component[] // the module's
 * assertSchemaFits(stored, components)
 * ```
 */
export function assertSchemaFits(stored: StoredSchema, components: readonly Component[]): void {
  const problem = schemaMismatch(stored, components)
  if (problem !== null) {
    throw new SqliteError(
      'ERR_SCHEMA_MISMATCH',
      `the data folder does not fit the module: ${problem}. Give createSqliteCommitLog a migrate hook, or start from a new data folder`,
    )
  }
}

/**
 * Component definitions rebuilt from a stored schema (no indexes), to read a world written
 * with another version of the module (migrations, the CLI).
 * @param stored - the stored schema
 * @returns one component per stored table
 * @example
 * ```ts
 * declare const stored: StoredSchema // read from the data folder
 * const old = componentsOf(stored)
 * ```
 */
export function componentsOf(stored: StoredSchema): Component[] {
  return stored.map(([name, fields]) => {
    const schema: Schema = {}
    for (const [f, type] of fields) schema[f] = type
    return defineComponent(name, schema)
  })
}
