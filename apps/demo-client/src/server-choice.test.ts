import { describe, expect, it } from 'vitest'
import { chooseServer } from './server-choice.js'

describe('chooseServer', () => {
  it('connects to the page origin by default (ws for http, wss for https)', () => {
    expect(chooseServer('http://localhost:3000/', [])).toEqual({ url: 'ws://localhost:3000/', refused: null })
    expect(chooseServer('https://play.example/game', [])).toEqual({ url: 'wss://play.example/', refused: null })
  })

  it('refuses a ?server= that is not on the allow-list and stays on its own origin', () => {
    expect(chooseServer('https://play.example/?server=wss://evil.example/', [])).toEqual({ url: 'wss://play.example/', refused: 'wss://evil.example/' })
    expect(chooseServer('https://play.example/?server=javascript:alert(1)', []).url).toBe('wss://play.example/')
    expect(chooseServer('https://play.example/?server=not a url', []).refused).toBe('not a url')
  })

  it('follows ?server= to its own origin or an allowed one', () => {
    expect(chooseServer('https://play.example/?server=wss://eu.play.example/', ['wss://EU.play.example/'])).toEqual({
      url: 'wss://eu.play.example/',
      refused: null,
    })
    expect(chooseServer('http://localhost:3000/?server=ws://localhost:3000/x', [])).toEqual({ url: 'ws://localhost:3000/x', refused: null })
    expect(chooseServer('https://play.example/?server=wss://eu.play.example:444/', ['wss://eu.play.example']).url).toBe('wss://play.example/')
  })
})
