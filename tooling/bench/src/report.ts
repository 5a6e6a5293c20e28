/** A table cell: text or a number (formatted with thousands separators). */
export type Cell = string | number

/**
 * The ratio `a / b`, rounded to two decimals (NaN when `b` is 0).
 *
 * @param a - numerator, e.g. our ops/s
 * @param b - denominator, e.g. the peer's ops/s
 * @returns the ratio with two decimals
 * @example
 * ```ts
 * ratio(150, 100) // 1.5
 * ```
 */
export function ratio(a: number, b: number): number {
  return b === 0 ? Number.NaN : Math.round((a / b) * 100) / 100
}

function format(cell: Cell): string {
  if (typeof cell === 'string') return cell
  if (!Number.isFinite(cell)) return String(cell)
  if (Math.abs(cell) >= 100 || Number.isInteger(cell)) return Math.round(cell).toLocaleString('en-US')
  return cell.toFixed(2)
}

/**
 * Formats rows as a Markdown table (numbers right-aligned; integers and numbers ≥ 100 rounded with separators, others with two decimals).
 *
 * @param header - column titles
 * @param rows - one array of cells per row, same length as `header`
 * @returns the table, one line per row
 * @example
 * ```ts
 * console.log(table(['case', 'ops/s'], [['packed_5', 123456]]))
 * ```
 */
export function table(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = rows.map((r) => r.map(format))
  const widths = header.map((h, c) => Math.max(h.length, ...text.map((r) => (r[c] ?? '').length)))
  const numeric = header.map((_, c) => rows.every((r) => typeof r[c] === 'number'))
  const pad = (s: string, c: number): string =>
    numeric[c] ? s.padStart(widths[c] as number) : s.padEnd(widths[c] as number)
  const line = (cells: readonly string[]): string => `| ${cells.map(pad).join(' | ')} |`
  const rule = `| ${widths.map((w, c) => (numeric[c] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`
  return [line(header), rule, ...text.map(line)].join('\n')
}

/**
 * One JSON line for machines to grep from a bench log: `{"bench": name, ...data}`.
 *
 * @param name - the benchmark name
 * @param data - any JSON-serializable figures
 * @returns the line (no trailing newline)
 * @example
 * ```ts
 * console.log(jsonLine('ecs', { ratios: { packed_5: 1.2 } }))
 * ```
 */
export function jsonLine(name: string, data: Record<string, unknown>): string {
  return JSON.stringify({ bench: name, ...data })
}
