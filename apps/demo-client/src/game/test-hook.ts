/** The hook the browser test reads from `window.__orrery`. */
export interface OrreryTestHook {
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
 * installTestHook(window, { get connected() { return true }, identity: 'ab…', playerCircle: () => null })
 */
export function installTestHook(target: Window, hook: OrreryTestHook): void {
  target.__orrery = hook
}
