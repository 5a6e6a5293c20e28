/**
 * A stable colour for an entity (a player's circles share their player's colour).
 *
 * @param id - the entity id (player for circles, food entity for food)
 * @param lightness - HSL lightness, percent
 * @returns a CSS `hsl()` colour
 * @example
 * colorFor(42, 55) // 'hsl(…, 70%, 55%)'
 */
export function colorFor(id: number, lightness = 55): string {
  // A multiplicative hash spreads consecutive ids around the hue circle.
  const hue = Math.floor(((Math.imul(id >>> 0, 2654435761) >>> 0) / 4294967296) * 360)
  return `hsl(${hue}, 70%, ${lightness}%)`
}
