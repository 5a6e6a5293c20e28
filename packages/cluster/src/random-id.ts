import { randomBytes } from 'node:crypto'

/**
 * A random URL-safe id (world ids, seat tickets, process ids).
 * @param bytes - random bytes in it (9 gives 12 characters)
 */
export function randomId(bytes = 9): string {
  return randomBytes(bytes).toString('base64url')
}
