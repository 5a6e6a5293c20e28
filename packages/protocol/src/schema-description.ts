import type { ArgsSchema } from './args.js'
import { ProtocolError, type ProtocolErrorCode } from './protocol-error.js'
import { isValueType, type ValueType } from './value-type.js'

/**
 * `[name, type]` of one component field or reducer argument; a quantized component field adds its
 * step, `[name, type, step]`: the field travels as the integer `round(value / step)` and the receiver
 * stores `q × step` (so it holds the value to within `step / 2`). A quantized position (a field of the
 * component's spatial index) adds `true`, `[name, type, step, true]`: its updates are coded against a
 * linear prediction (docs/protocol.md, "Quantized fields and deltas").
 */
export type FieldDescription = readonly [name: string, type: ValueType, step?: number, predicted?: boolean]

/** `[name, fields]` of one component; its index in `SchemaDescription.components` is its table id. */
export type ComponentDescription = readonly [name: string, fields: readonly FieldDescription[]]

/** `[name, args]` of one reducer, args in positional order. */
export type ReducerDescription = readonly [name: string, args: readonly FieldDescription[]]

/**
 * The tables and reducers a server offers, sent in Welcome (wire: `[components, reducers]`).
 *
 * Field order is wire order and update-mask bit order: bit `i` of a mask is `fields[i]`.
 */
export interface SchemaDescription {
  readonly components: readonly ComponentDescription[]
  readonly reducers: readonly ReducerDescription[]
}

/** A component as `describeSchema` reads it (an ECS `Component` fits). */
export interface DescribableComponent {
  readonly name: string
  readonly schema: Readonly<Record<string, ValueType>>
  /** Field order; defaults to the key order of `schema`. */
  readonly fields?: readonly string[]
  /**
   * `quantize`: field → step in the field's unit (a positive finite number; an integer on integer fields);
   * `spatial`: the position fields of the component's spatial index (quantized ones are predicted).
   */
  readonly options?: {
    readonly quantize?: { readonly [field: string]: number | undefined }
    readonly spatial?: { readonly x: string; readonly y: string } | undefined
  }
}

/** At most 32 fields per component, so that an update mask fits a u32. */
export const MAX_COMPONENT_FIELDS = 32

/**
 * Builds a {@link SchemaDescription} from component descriptors and reducer argument schemas.
 *
 * @param input - `components`: in table-id order (`{ name, schema, fields? }`, an ECS Component fits);
 *   `reducers`: reducer name → {@link ArgsSchema}
 * @returns the description, validated
 * @throws ProtocolError `ERR_INVALID_SCHEMA` on duplicate or empty names, unknown types, more than 32 fields,
 *   or a quantization step that is not a positive finite number on a numeric field (an integer on an integer field)
 * @example
 * ```ts
 * const schema = describeSchema({
 *   components: [{ name: 'Body', schema: { x: 'f32', y: 'f32', mass: 'u32' } }],
 *   reducers: { enterGame: { name: 'string' } },
 * })
 * schema.components[0] // ['Body', [['x', 'f32'], ['y', 'f32'], ['mass', 'u32']]]
 * ```
 */
export function describeSchema(input: {
  readonly components: readonly DescribableComponent[]
  readonly reducers?: Readonly<Record<string, ArgsSchema>>
}): SchemaDescription {
  const components: ComponentDescription[] = input.components.map((c) => {
    const order = c.fields ?? Object.keys(c.schema)
    const quantize = c.options?.quantize ?? {}
    const spatial = c.options?.spatial
    const fields: FieldDescription[] = order.map((f) => {
      const step = quantize[f]
      if (step === undefined) return [f, c.schema[f] as ValueType]
      const predicted = spatial !== undefined && (spatial.x === f || spatial.y === f)
      return predicted ? [f, c.schema[f] as ValueType, step, true] : [f, c.schema[f] as ValueType, step]
    })
    return [c.name, fields]
  })
  const reducers: ReducerDescription[] = Object.entries(input.reducers ?? {}).map(([name, args]) => [
    name,
    Object.entries(args).map(([arg, type]): FieldDescription => [arg, type]),
  ])
  return validateSchemaDescription({ components, reducers })
}

/**
 * Checks that an untrusted value is a well-formed {@link SchemaDescription}.
 *
 * @param value - e.g. `welcome.schema` from another implementation, or a hand-written description
 * @returns the same value, typed
 * @throws ProtocolError `ERR_INVALID_SCHEMA` when the shape, a name, a type or a field count is wrong
 * @example
 * ```ts
 * validateSchemaDescription({ components: [['Food', []]], reducers: [] })
 * ```
 */
export function validateSchemaDescription(value: unknown): SchemaDescription {
  return checkSchemaDescription(value, 'ERR_INVALID_SCHEMA', 'schema')
}

/** Shared by `validateSchemaDescription` and the Welcome decoder (which reports `ERR_INVALID_FIELD`). */
export function checkSchemaDescription(value: unknown, code: ProtocolErrorCode, path: string): SchemaDescription {
  const fail = (where: string, what: string): never => {
    throw new ProtocolError(code, `${path}${where}: ${what}`)
  }
  if (typeof value !== 'object' || value === null) fail('', 'expected { components, reducers }')
  const { components, reducers } = value as { components?: unknown; reducers?: unknown }
  checkEntries(components, '.components', MAX_COMPONENT_FIELDS, fail)
  checkEntries(reducers, '.reducers', Number.POSITIVE_INFINITY, fail)
  return value as SchemaDescription
}

function checkEntries(entries: unknown, where: string, maxFields: number, fail: (where: string, what: string) => never): void {
  if (!Array.isArray(entries)) fail(where, 'expected an array')
  const names = new Set<string>()
  ;(entries as unknown[]).forEach((entry, i) => {
    const at = `${where}[${i}]`
    if (!Array.isArray(entry) || entry.length < 2) fail(at, 'expected [name, fields]')
    const [name, fields] = entry as unknown[]
    if (typeof name !== 'string' || name.length === 0) fail(at, 'name must be a non-empty string')
    if (names.has(name as string)) fail(at, `duplicate name ${JSON.stringify(name)}`)
    names.add(name as string)
    if (!Array.isArray(fields)) fail(at, 'fields must be an array')
    if ((fields as unknown[]).length > maxFields) fail(at, `at most ${maxFields} fields`)
    const fieldNames = new Set<string>()
    ;(fields as unknown[]).forEach((field, j) => {
      const fat = `${at}.fields[${j}]`
      if (!Array.isArray(field) || field.length < 2) fail(fat, 'expected [name, type]')
      const [fname, ftype] = field as unknown[]
      if (typeof fname !== 'string' || fname.length === 0) fail(fat, 'name must be a non-empty string')
      if (fieldNames.has(fname as string)) fail(fat, `duplicate field ${JSON.stringify(fname)}`)
      fieldNames.add(fname as string)
      if (!isValueType(ftype)) fail(fat, `unknown type ${JSON.stringify(ftype)}`)
      const step = (field as unknown[])[2]
      if (step !== undefined && step !== null) {
        if (maxFields === Number.POSITIVE_INFINITY) fail(fat, 'reducer arguments have no quantization step')
        if (typeof step !== 'number' || !(step > 0) || !Number.isFinite(step)) fail(fat, 'step must be a positive finite number')
        if (ftype !== 'f32' && ftype !== 'f64') {
          if (!INTEGER_TYPES.has(ftype as ValueType)) fail(fat, `only numeric fields can be quantized, not ${String(ftype)}`)
          if (!Number.isInteger(step)) fail(fat, 'the step of an integer field must be an integer')
        }
      }
      checkPredicted(field as unknown[], fat, fail)
    })
  })
}

/** Integer field types: a step on one of them is an integer. */
const INTEGER_TYPES: ReadonlySet<ValueType> = new Set<ValueType>(['i8', 'i16', 'i32', 'u8', 'u16', 'u32'])

function checkPredicted(field: readonly unknown[], fat: string, fail: (where: string, what: string) => never): void {
  const step = field[2]
  const predicted = field[3]
  if (predicted === undefined || predicted === null || predicted === false) return
  if (predicted !== true) fail(fat, 'predicted must be true or absent')
  if (step === undefined || step === null) fail(fat, 'only a quantized field can be predicted')
}

/**
 * Finds the table id (index in `schema.components`) of a component.
 *
 * @param schema - a description, e.g. `welcome.schema`
 * @param name - the component name
 * @returns the table id, or `undefined` when the schema has no such component
 * @example
 * ```ts
 * declare const welcome: Welcome // the server's Welcome message
 * tableIdOf(welcome.schema, 'Body') // 0
 * ```
 */
export function tableIdOf(schema: SchemaDescription, name: string): number | undefined {
  const index = schema.components.findIndex((c) => c[0] === name)
  return index === -1 ? undefined : index
}

/**
 * Rebuilds the {@link ArgsSchema} of one reducer from a description.
 *
 * @param schema - a description, e.g. `welcome.schema`
 * @param reducer - the reducer name
 * @returns argument name → type, in positional order, or `undefined` when there is no such reducer
 * @example
 * ```ts
 * declare const welcome: Welcome // the server's Welcome message
 * argsSchemaOf(welcome.schema, 'enterGame') // { name: 'string' }
 * ```
 */
export function argsSchemaOf(schema: SchemaDescription, reducer: string): ArgsSchema | undefined {
  const entry = schema.reducers.find((r) => r[0] === reducer)
  if (entry === undefined) return undefined
  const args: Record<string, ValueType> = {}
  for (const [name, type] of entry[1]) args[name] = type
  return args
}
