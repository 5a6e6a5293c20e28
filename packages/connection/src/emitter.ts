import mitt, { type Emitter, type EventType } from 'mitt'

// `mitt` ships CommonJS-style typings for an ES module; take the callable either way.
type EmitterFactory = <E extends Record<EventType, unknown>>() => Emitter<E>
/** Creates a mitt event emitter. */
export const createEmitter = ((mitt as unknown as { default?: EmitterFactory }).default ?? mitt) as unknown as EmitterFactory
