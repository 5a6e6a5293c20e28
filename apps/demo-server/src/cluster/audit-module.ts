import { defineComponent } from '@orrery/ecs'
import { defineReducer, type ModuleDef } from '@orrery/server'

/** The last mark each auditor set (server-only: persisted and recovered, not replicated). */
export const AuditMark = defineComponent('AuditMark', { by: 'string', n: 'u32' }, { unique: ['by'] })

/** The auditor's reducers: `auditMark({ n })` records n; `auditRead()` returns the caller's last recorded n (0 if none). */
export const auditReducers = { auditMark: { n: 'u32' }, auditRead: {} } as const

/**
 * Adds an audit ledger to a module: each `auditMark` is one transaction whose effect `auditRead` shows. An
 * auditor that keeps the highest n acknowledged before a failover and reads it back after finds any
 * acknowledged transaction the recovered world lost.
 */
export function withAudit(module: ModuleDef): ModuleDef {
  return {
    ...module,
    serverComponents: [...(module.serverComponents ?? []), AuditMark],
    reducers: {
      ...module.reducers,
      auditMark: defineReducer(auditReducers.auditMark, (ctx, { n }) => {
        const row = ctx.world.findUnique(AuditMark, 'by', ctx.sender)
        if (row === undefined) ctx.world.add(ctx.world.create(), AuditMark, { by: ctx.sender, n })
        else ctx.world.set(row, AuditMark, 'n', n)
        return n
      }),
      auditRead: defineReducer(auditReducers.auditRead, (ctx) => {
        const row = ctx.world.findUnique(AuditMark, 'by', ctx.sender)
        return row === undefined ? 0 : ctx.world.read(row, AuditMark, 'n')
      }),
    },
  }
}
