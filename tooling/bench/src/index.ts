export { measure } from './measure.js'
export { jsonLine, ratio, table } from './report.js'
export type { MeasureOptions, Measurement } from './measure.js'
export type { Cell } from './report.js'
