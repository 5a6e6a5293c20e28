import * as v from 'valibot'
import { resumeSchema } from '../config/session-schemas.js'

/**
 * How long a session outlives its socket, and how much of its stream the server keeps for a resume
 * (see docs/protocol.md, "Sessions and resume").
 *
 * @example
 * ```ts
 * const resume: ResumeOptions = { graceMs: 30_000, historyBytes: 1024 * 1024 }
 * ```
 */
export type ResumeOptions = Readonly<v.InferInput<typeof resumeSchema>>

/** {@link ResumeOptions} with every default applied. */
export type ResolvedResumeOptions = Readonly<v.InferOutput<typeof resumeSchema>>

/**
 * Applies the defaults of {@link ResumeOptions}.
 *
 * @param options - the options as given (validated by the server's option schema)
 * @returns every option with its default
 */
export function resolveResumeOptions(options: ResumeOptions | undefined): ResolvedResumeOptions {
  return v.parse(resumeSchema, options ?? {})
}
