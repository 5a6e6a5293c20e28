import type { LeaderboardEntry } from './leaderboard.js'
import type { GameStatus } from './game.js'

/**
 * Formats a byte rate for the status line.
 *
 * @param bytesPerSec - bytes per second
 * @returns e.g. '812 B/s' or '3.4 kB/s'
 * @example
 * formatRate(3400) // '3.4 kB/s'
 */
export function formatRate(bytesPerSec: number): string {
  if (bytesPerSec < 1000) return `${Math.round(bytesPerSec)} B/s`
  return `${(bytesPerSec / 1000).toFixed(1)} kB/s`
}

/**
 * The status line text: connection state, RTT, bytes per second in and out, the player's figures, and
 * whether its circles are predicted (with mispredictions per second).
 *
 * @param s - the figures
 * @returns one line of text
 * @example
 * statusLine({ connection: 'connected', rttMs: 3, bytesReceivedPerSec: 3400, bytesSentPerSec: 200, mass: 15, circles: 1, prediction: 'on', predictionErrorsPerSec: 0, food: 600, players: 2 })
 */
export function statusLine(s: GameStatus): string {
  const rtt = s.rttMs === null ? '–' : `${Math.round(s.rttMs)} ms`
  return (
    `${s.connection} · RTT ${rtt} · ↓ ${formatRate(s.bytesReceivedPerSec)} · ↑ ${formatRate(s.bytesSentPerSec)}` +
    ` · mass ${s.mass} · ${s.circles} circle${s.circles === 1 ? '' : 's'} · ${s.food} food · ${s.players} players` +
    ` · prediction ${s.prediction}${s.prediction === 'on' ? ` (${s.predictionErrorsPerSec.toFixed(1)} errors/s)` : ''} [P]`
  )
}

/**
 * Renders the leaderboard into an ordered list.
 *
 * @param list - the `<ol>` to fill
 * @param entries - ranked players
 * @param me - the local player's entity, highlighted
 */
export function renderLeaderboard(list: HTMLOListElement, entries: readonly LeaderboardEntry[], me: number | undefined): void {
  const items = entries.map((entry) => {
    const li = document.createElement('li')
    li.textContent = `${entry.name === '' ? '(unnamed)' : entry.name} — ${entry.mass}`
    if (entry.player === me) li.className = 'me'
    return li
  })
  list.replaceChildren(...items)
}
