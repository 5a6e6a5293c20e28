import { describe, expect, it } from 'vitest'
import { isConsumeEvent } from './events.js'

describe('isConsumeEvent', () => {
  it('accepts numeric consumed and consumer only', () => {
    expect(isConsumeEvent({ consumed: 1, consumer: 2 })).toBe(true)
    expect(isConsumeEvent({ consumed: '1', consumer: 2 })).toBe(false)
    expect(isConsumeEvent(null)).toBe(false)
    expect(isConsumeEvent([1, 2])).toBe(false)
  })
})
