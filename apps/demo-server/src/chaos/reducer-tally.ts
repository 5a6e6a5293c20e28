import type { ModuleDef } from '@orrery/server'

/** Reducer calls the server applied, per caller identity and reducer name. */
export type AppliedCalls = Map<string, Map<string, number>>

/**
 * Wraps every reducer of a module so that each run that returns (its transaction commits) is counted per
 * caller and reducer: compared with the calls the clients sent, it finds calls applied twice.
 *
 * @param module - the module to host
 * @param applied - where the counts go
 * @returns the same module with counting reducers
 */
export function tallyReducers<M extends ModuleDef>(module: M, applied: AppliedCalls): M {
  const reducers: Record<string, unknown> = {}
  for (const [name, def] of Object.entries(module.reducers)) {
    const d = def as unknown as { run: (ctx: { sender: string }, args: unknown) => unknown }
    reducers[name] = {
      ...def,
      run(ctx: { sender: string }, args: unknown) {
        const out = d.run(ctx, args)
        let byName = applied.get(ctx.sender)
        if (byName === undefined) applied.set(ctx.sender, (byName = new Map()))
        byName.set(name, (byName.get(name) ?? 0) + 1)
        return out
      },
    }
  }
  return { ...module, reducers } as M
}

/**
 * Calls the server applied more often than their client sent them (distinct requestIds), summed over every
 * caller and reducer.
 *
 * @param applied - counted by {@link tallyReducers}
 * @param sent - distinct calls sent, per identity and reducer name
 * @returns the number of extra applications (0 when no call ran twice)
 */
export function duplicateApplications(applied: AppliedCalls, sent: Readonly<Record<string, Readonly<Record<string, number>>>>): number {
  let extra = 0
  for (const [identity, byName] of applied) {
    const calls = sent[identity]
    if (calls === undefined) continue
    for (const [name, count] of byName) extra += Math.max(0, count - (calls[name] ?? 0))
  }
  return extra
}
