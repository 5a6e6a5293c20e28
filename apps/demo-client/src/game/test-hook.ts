/** What one frame drew, for the browser test. */
export interface RecordedFrame {
  /** The frame's time, ms (`requestAnimationFrame`'s clock). */
  readonly t: number
  /** Mass-weighted centre of the player's circles as drawn, world units, or null. */
  readonly player: { x: number; y: number } | null
  /** Other players' circles as drawn: [entity, x, y]. */
  readonly remotes: readonly [number, number, number][]
}

/** The hook the browser test reads from `window.__orrery`. */
export interface OrreryTestHook {
  /** Whether the player's circles are predicted now. */
  readonly predicting: boolean
  /** The last 600 frames, oldest first. */
  frames(): readonly RecordedFrame[]
  /** Mass-weighted centre of the player's circles as drawn now, or null. */
  drawnPlayer(): { x: number; y: number } | null
  /** Whether the client is connected now. */
  readonly connected: boolean
  /** Identity of this client, '' before the first Welcome. */
  readonly identity: string
  /** Mass-weighted centre of the local player's circles (server positions), or null without circles. */
  playerCircle(): { x: number; y: number } | null
}

declare global {
  interface Window {
    __orrery?: OrreryTestHook
  }
}

/**
 * Publishes the test hook on `window.__orrery`.
 *
 * @param target - the window
 * @param hook - the hook
 * @example
 * installTestHook(window, { predicting: false, frames: () => [], drawnPlayer: () => null, connected: true, identity: 'ab…', playerCircle: () => null })
 */
export function installTestHook(target: Window, hook: OrreryTestHook): void {
  target.__orrery = hook
}
