// `@orrery/sqlite/internal`: the storage format's parts, for the command-line tool, tests and tools of
// this repository. Not covered by semver: any release may change or remove these.
export { buildProgram, main } from './cli.js'
export { decodeEntry, encodeFrame, FRAME_HEADER_BYTES, readFrames } from './entry-codec.js'
export type { Frame } from './entry-codec.js'
export { DATABASE_FILE } from './log-store.js'
export { migrateStoredWorld } from './migration.js'
export { decodeSnapshot, encodeSnapshot, snapshotChecksum } from './snapshot-codec.js'
export type { EncodedSnapshot } from './snapshot-codec.js'
export { assertSchemaFits, componentsOf, schemaMismatch, schemaOf } from './stored-schema.js'
export { worldRows } from './world-rows.js'
