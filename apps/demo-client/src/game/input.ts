import { INPUT_RATE_HZ, pointerToDirection } from '@orrery/demo-shared'

/** What {@link InputController} calls to act on the player's input. */
export interface InputActions {
  /** Whether the player has circles to steer (input is only sent then). */
  canSteer(): boolean
  /** Sends a steering vector. */
  steer(dirX: number, dirY: number): void
  /** Space: split. */
  split(): void
  /** S: suicide. */
  suicide(): void
  /** P: prediction of the own circles on or off. */
  togglePrediction(): void
}

/** Smallest change of a steering component worth sending again. */
const EPSILON = 0.01

/**
 * Tracks the pointer and keys: sends the steering vector `(pointer − centre) / (height / 3)` at most
 * 20 times a second when it changed (at once on a pointer move when the rate allows, so that a predicted
 * circle answers in the next frame), Space splits, S suicides and P switches prediction (not while typing
 * in a text field).
 *
 * @example
 * const input = new InputController(window, actions)
 * input.start()
 * @see reference client `PlayerController.Update`
 */
export class InputController {
  private readonly target: Window
  private readonly actions: InputActions
  private pointerX: number | null = null
  private pointerY = 0
  private lastX = Number.NaN
  private lastY = Number.NaN
  private lastSentAt = Number.NEGATIVE_INFINITY
  private timer: ReturnType<typeof setInterval> | null = null
  private readonly offs: (() => void)[] = []

  /**
   * @param target - the window whose pointer and keys drive the player
   * @param actions - what to do with the input
   */
  constructor(target: Window, actions: InputActions) {
    this.target = target
    this.actions = actions
  }

  /** Starts listening and the 20 Hz sender. */
  start(): void {
    const move = (ev: PointerEvent | MouseEvent): void => {
      this.pointerX = ev.clientX
      this.pointerY = ev.clientY
      // Send at once when the rate allows, so a predicted circle answers in the next frame.
      this.tick()
    }
    const key = (ev: KeyboardEvent): void => {
      const el = ev.target
      if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) return
      if (ev.code === 'Space') {
        ev.preventDefault()
        if (!ev.repeat) this.actions.split()
      } else if (ev.key === 's' || ev.key === 'S') {
        this.actions.suicide()
      } else if (ev.key === 'p' || ev.key === 'P') {
        this.actions.togglePrediction()
      }
    }
    this.target.addEventListener('pointermove', move)
    this.target.addEventListener('keydown', key)
    this.offs.push(
      () => this.target.removeEventListener('pointermove', move),
      () => this.target.removeEventListener('keydown', key),
    )
    this.timer = setInterval(() => this.tick(), 1000 / INPUT_RATE_HZ)
  }

  /** Stops listening. */
  stop(): void {
    for (const off of this.offs.splice(0)) off()
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
  }

  private tick(): void {
    if (this.pointerX === null || !this.actions.canSteer()) return
    // At most 20 sends a second, whether the pointer or the interval asks.
    if (performance.now() - this.lastSentAt < 1000 / INPUT_RATE_HZ - 1) return
    const { dirX, dirY } = pointerToDirection(
      this.pointerX,
      this.pointerY,
      this.target.innerWidth,
      this.target.innerHeight,
    )
    if (Math.abs(dirX - this.lastX) < EPSILON && Math.abs(dirY - this.lastY) < EPSILON) return
    this.lastX = dirX
    this.lastY = dirY
    this.lastSentAt = performance.now()
    this.actions.steer(dirX, dirY)
  }

  /** Forgets the last sent vector so the next tick sends again (after a respawn or reconnect). */
  resend(): void {
    this.lastX = Number.NaN
    this.lastY = Number.NaN
  }
}
