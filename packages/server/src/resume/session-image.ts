import { deserialize, serialize } from 'node:v8'
import type { ClientState } from '@orrery/sync'
import type { Identity } from '../authenticator.js'

/** The version of {@link SessionImage}'s layout; an image of another version is not restored. */
export const SESSION_IMAGE_VERSION = 1

/** Everything a resumable session holds, as a graceful shutdown saves it for the next process. */
export interface SessionImage {
  readonly version: number
  readonly id: string
  readonly identity: Identity
  /** The id of the connection that opened it (what its onConnect and onDisconnect are told). */
  readonly connectionId: string
  /** The seq of the last TransactionUpdate written to it. */
  readonly streamSeq: number
  /** The frames it still holds for a replay, oldest first, and the number of the newest. */
  readonly frames: readonly Uint8Array[]
  readonly last: number
  /** The number of the last frame written while a socket carried it. */
  readonly detachedAt: number
  /** The requestIds it saw last, oldest first. */
  readonly requests: readonly number[]
  /** Ms of its resume window left at the shutdown. */
  readonly graceLeftMs: number
  /** What the replicator held for it. */
  readonly client: ClientState
  /** The Welcome schema of the server that saved it, as JSON: a resumed client keeps the schema it was given. */
  readonly schema: string
}

/**
 * Encodes a session image (with `node:v8`'s serializer, which keeps typed arrays and Maps; a newer Node reads
 * what an older one wrote).
 *
 * @param image - the image
 * @returns its bytes
 */
export function encodeSessionImage(image: SessionImage): Uint8Array {
  return serialize(image)
}

/**
 * Decodes what {@link encodeSessionImage} wrote.
 *
 * @param bytes - the stored bytes
 * @returns the image, or a sentence saying why it cannot be used (another version, not an image)
 */
export function decodeSessionImage(bytes: Uint8Array): SessionImage | string {
  let image: unknown
  try {
    image = deserialize(bytes)
  } catch (error) {
    return `it does not decode (${(error as Error).message})`
  }
  if (typeof image !== 'object' || image === null) return 'it is not a session image'
  const version = (image as { version?: unknown }).version
  if (version !== SESSION_IMAGE_VERSION) return `its version ${String(version)} is not ${SESSION_IMAGE_VERSION}`
  const { id, frames, client, schema } = image as Partial<SessionImage>
  if (typeof id !== 'string' || !Array.isArray(frames) || typeof client !== 'object' || typeof schema !== 'string') {
    return 'it lacks its id, frames, replicator state or schema'
  }
  return image as SessionImage
}
