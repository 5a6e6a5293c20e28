/**
 * Name of the event the server emits when one entity eats another.
 * @see reference `ConsumeEntityEvent`
 */
export const CONSUME_EVENT = 'consume'

/**
 * Payload of a {@link CONSUME_EVENT} event: the entity ids (as numbers) of the eaten and the eater.
 */
export interface ConsumeEvent {
  /** Entity that was eaten (food or circle); it is gone after the event. */
  readonly consumed: number
  /** Entity that ate it; it gained the eaten mass. */
  readonly consumer: number
}

/**
 * Narrows an event payload received from the network to a {@link ConsumeEvent}.
 *
 * @param payload - the event payload, untrusted
 * @returns true when `payload` has numeric `consumed` and `consumer` fields
 * @example
 * client.onEvent((name, payload) => { if (name === CONSUME_EVENT && isConsumeEvent(payload)) animate(payload) })
 */
export function isConsumeEvent(payload: unknown): payload is ConsumeEvent {
  if (typeof payload !== 'object' || payload === null) return false
  const p = payload as Record<string, unknown>
  return typeof p.consumed === 'number' && typeof p.consumer === 'number'
}
