/**
 * How long a session outlives its socket, and how much of its stream the server keeps for a resume
 * (see docs/protocol.md, "Sessions and resume").
 *
 * @example
 * ```ts
 * const resume: ResumeOptions = { graceMs: 30_000, historyBytes: 1024 * 1024 }
 * ```
 */
export interface ResumeOptions {
  /**
   * Time in ms a session whose socket dropped waits for its client to resume it before it ends (and the
   * module's onDisconnect runs). 0 ends sessions with their socket (no resume). Default 120 000.
   */
  readonly graceMs?: number
  /** Bytes of a session's newest frames kept for a resume. Default 4 MiB (minutes of ordinary updates). */
  readonly historyBytes?: number
  /** Bytes of history kept over all sessions; past it a session's history is trimmed when it writes. Default 256 MiB. */
  readonly totalHistoryBytes?: number
  /** RequestIds a session remembers to recognise requests sent again after a resume. Default 1024. */
  readonly recentRequests?: number
}

/** {@link ResumeOptions} with every default applied. */
export type ResolvedResumeOptions = { readonly [K in keyof ResumeOptions]-?: NonNullable<ResumeOptions[K]> }

/**
 * Applies the defaults of {@link ResumeOptions}.
 *
 * @param options - the options as given (validated by the server's option schema)
 * @returns every option with its default
 */
export function resolveResumeOptions(options: ResumeOptions | undefined): ResolvedResumeOptions {
  return {
    graceMs: options?.graceMs ?? 120_000,
    historyBytes: options?.historyBytes ?? 4 * 1024 * 1024,
    totalHistoryBytes: options?.totalHistoryBytes ?? 256 * 1024 * 1024,
    recentRequests: options?.recentRequests ?? 1024,
  }
}
