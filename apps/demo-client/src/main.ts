import { MAX_NAME_LENGTH } from '@orrery/demo-shared'
import { Game } from './game/game.js'
import { renderLeaderboard, statusLine } from './game/hud.js'
import { InputController } from './game/input.js'
import { drawFrame } from './game/renderer.js'
import { installTestHook } from './game/test-hook.js'

const TOKEN_KEY = 'blackholio.token'

function element<T extends HTMLElement>(id: string, type: { new (): T }): T {
  const el = document.getElementById(id)
  if (!(el instanceof type)) throw new Error(`missing element #${id}`)
  return el
}

function serverUrl(): string {
  const param = new URLSearchParams(location.search).get('server')
  if (param !== null) return param
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/`
}

function readToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY)
  } catch {
    return null
  }
}

function saveToken(token: string): void {
  try {
    localStorage.setItem(TOKEN_KEY, token)
  } catch {
    // Storage can be disabled; the player then starts as a new identity next time.
  }
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
  installTestHook(window, {
    get connected() {
      return game?.client.connection.state === 'connected'
    },
    get identity() {
      return game?.client.identity ?? ''
    },
    playerCircle: () => game?.playerCentre() ?? null,
  })

  try {
    game = await Game.connect({ url: serverUrl(), token: readToken(), onTokenChange: saveToken })
  } catch (error) {
    status.textContent = `cannot connect: ${error instanceof Error ? error.message : String(error)}`
    return
  }
  const g = game

  const input = new InputController(window, {
    canSteer: () => g.ownCircles().length > 0,
    steer: (dirX, dirY) => {
      g.client.reducers.updatePlayerInput({ dirX, dirY }).catch(() => undefined)
    },
    split: () => {
      g.client.reducers.playerSplit().catch(() => undefined)
    },
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
    drawFrame(ctx, window.innerWidth, window.innerHeight, g.camera, g.state, g.names())
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
