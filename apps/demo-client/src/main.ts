import { createWebIdentityStorage, generateIdentity, type KeyIdentity, loadOrCreateIdentity } from '@orrery/auth'
import { MAX_NAME_LENGTH } from '@orrery/demo-shared'
import { Game } from './game/game.js'
import { renderLeaderboard, statusLine } from './game/hud.js'
import { InputController } from './game/input.js'
import { drawFrame } from './game/renderer.js'
import { laggedWebSocket, type WebSocketClass } from './bots/lagged-socket.js'
import { installTestHook, type RecordedFrame } from './game/test-hook.js'
import { allowedServers, chooseServer } from './server-choice.js'

/** Where earlier versions kept a bearer token; tokens now live in memory only. */
const LEGACY_TOKEN_KEY = 'blackholio.token'

function element<T extends HTMLElement>(id: string, type: { new (): T }): T {
  const el = document.getElementById(id)
  if (!(el instanceof type)) throw new Error(`missing element #${id}`)
  return el
}

/** `?latency=MS&jitter=MS&loss=PCT` simulates a network between the page and the server. */
function simulatedWebSocket(): WebSocketClass | undefined {
  const params = new URLSearchParams(location.search)
  const latencyMs = Number(params.get('latency') ?? 0)
  const jitterMs = Number(params.get('jitter') ?? 0)
  const lossPct = Number(params.get('loss') ?? 0)
  if (!(latencyMs > 0 || jitterMs > 0 || lossPct > 0)) return undefined
  return laggedWebSocket(WebSocket as unknown as WebSocketClass, { latencyMs, jitterMs, lossPct })
}

/** Frames the test hook keeps. */
const RECORDED_FRAMES = 600

/** The player's key for this server, kept in localStorage under the server's origin. */
async function playerIdentity(url: string): Promise<KeyIdentity> {
  try {
    localStorage.removeItem(LEGACY_TOKEN_KEY)
  } catch {
    // Storage can be disabled; see below.
  }
  try {
    return await loadOrCreateIdentity(createWebIdentityStorage({ origin: new URL(url).origin, prefix: 'blackholio.identity' }))
  } catch (error) {
    const code = (error as { code?: unknown }).code
    // A corrupt stored key is reported, never silently replaced: replacing it would lose the player.
    if (code === 'ERR_IDENTITY_CORRUPT') throw error
    // No storage at all (private mode, disabled): play as a guest for this visit.
    return generateIdentity()
  }
}

/** Keeps what this frame drew of the player and of the other circles, for the browser test. */
function recordFrame(frames: RecordedFrame[], g: Game, now: number): void {
  const me = g.player ?? 0
  const remotes: [number, number, number][] = []
  for (const [e, b] of g.state.bodies) if (b.kind === 'circle' && b.owner !== me) remotes.push([e, b.x, b.y])
  if (frames.length >= RECORDED_FRAMES) frames.shift()
  frames.push({ t: now, player: g.drawnPlayerCentre(), remotes })
}

async function main(): Promise<void> {
  const canvas = element('view', HTMLCanvasElement)
  const status = element('status', HTMLDivElement)
  const board = element('leaderboard', HTMLOListElement)
  const prompt = element('prompt', HTMLFormElement)
  const nameInput = element('name', HTMLInputElement)
  const errorLine = element('error', HTMLParagraphElement)
  const ctx = canvas.getContext('2d')
  if (ctx === null) throw new Error('canvas 2D is not available')
  nameInput.maxLength = MAX_NAME_LENGTH

  let game: Game | null = null
  const frames: RecordedFrame[] = []
  installTestHook(window, {
    get predicting() {
      return game?.prediction.active ?? false
    },
    frames: () => frames,
    drawnPlayer: () => game?.drawnPlayerCentre() ?? null,
    get connected() {
      return game?.client.connection.state === 'connected'
    },
    get identity() {
      return game?.client.identity ?? ''
    },
    playerCircle: () => game?.playerCentre() ?? null,
  })

  const choice = chooseServer(location.href, allowedServers(document))
  if (choice.refused !== null) errorLine.textContent = `not connecting to ${choice.refused}: it is not on this page's list of allowed servers`
  try {
    const identity = await playerIdentity(choice.url)
    const WebSocket = simulatedWebSocket()
    game = await Game.connect({ url: choice.url, identity, ...(WebSocket === undefined ? {} : { WebSocket }) })
  } catch (error) {
    status.textContent = `cannot connect: ${error instanceof Error ? error.message : String(error)}`
    return
  }
  const g = game

  const input = new InputController(window, {
    canSteer: () => g.ownCircles().length > 0,
    steer: (dirX, dirY) => {
      g.prediction.steer(dirX, dirY).catch(() => undefined)
    },
    split: () => {
      g.prediction.split().catch(() => undefined)
    },
    togglePrediction: () => g.prediction.setEnabled(!g.prediction.enabled),
    suicide: () => {
      g.client.reducers.suicide().catch(() => undefined)
    },
  })
  input.start()

  prompt.addEventListener('submit', (ev) => {
    ev.preventDefault()
    errorLine.textContent = ''
    g.enter(nameInput.value)
      .then(() => {
        input.resend()
        nameInput.blur()
      })
      .catch((error: unknown) => {
        errorLine.textContent = error instanceof Error ? error.message : String(error)
      })
  })
  nameInput.value = g.playerName

  const resize = (): void => {
    const dpr = window.devicePixelRatio || 1
    g.aspect = window.innerWidth / Math.max(1, window.innerHeight)
    canvas.width = Math.round(window.innerWidth * dpr)
    canvas.height = Math.round(window.innerHeight * dpr)
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
  }
  window.addEventListener('resize', resize)
  resize()

  let last = performance.now()
  let hudAt = 0
  const frame = (now: number): void => {
    const dt = Math.min(250, now - last)
    last = now
    g.frame(now, dt)
    recordFrame(frames, g, now)
    drawFrame(ctx, window.innerWidth, window.innerHeight, g.camera, g.state, g.names(), g.worldSize())
    prompt.hidden = g.ownCircles().length > 0
    if (now - hudAt >= 250) {
      hudAt = now
      status.textContent = statusLine(g.status())
      renderLeaderboard(board, g.leaderboard(10), g.player)
    }
    requestAnimationFrame(frame)
  }
  requestAnimationFrame(frame)
}

main().catch((error: unknown) => {
  const status = document.getElementById('status')
  if (status !== null) status.textContent = `error: ${error instanceof Error ? error.message : String(error)}`
})
