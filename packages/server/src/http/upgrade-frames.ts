import { framesFromProtocols, ProtocolError, UPGRADE_FRAMES_PROTOCOL } from '@orrery/protocol'

/** The first frames a client carried in its upgrade request (protocol 2.2), or why they cannot be read. */
export type UpgradeFrames =
  | { readonly protocol: string; readonly frames: readonly Uint8Array[]; readonly error: null }
  | { readonly protocol: string; readonly frames: readonly []; readonly error: ProtocolError }

/**
 * Reads the frames a client offered as subprotocols (docs/protocol.md, "Frames in the upgrade"). A server
 * that reads them selects {@link UPGRADE_FRAMES_PROTOCOL}, even when they are malformed: the client then
 * does not send them again, and the connection closes with the frame's refusal once it is open.
 *
 * @param protocols - the offered subprotocols
 * @param maxFrameBytes - largest frame accepted before Welcome, bytes
 * @returns the frames, an error, or null when the client carried none
 */
export function upgradeFrames(protocols: Iterable<string>, maxFrameBytes: number): UpgradeFrames | null {
  try {
    const frames = framesFromProtocols(protocols, maxFrameBytes)
    return frames === null ? null : { protocol: UPGRADE_FRAMES_PROTOCOL, frames, error: null }
  } catch (error) {
    const refusal = error instanceof ProtocolError ? error : new ProtocolError('ERR_MALFORMED_FRAME', 'the upgrade request carries malformed frames')
    return { protocol: UPGRADE_FRAMES_PROTOCOL, frames: [], error: refusal }
  }
}
