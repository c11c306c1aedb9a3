// The audit log, newest first.
import { StoreError } from '../../accounts/errors.js';
import { guarded } from '../input.js';
import { builder } from './builder.js';
import { AuditEntryRef } from './objects.js';

builder.queryFields((t) => ({
  auditLog: t.field({
    type: [AuditEntryRef],
    description: 'Changes, newest first. `before` is an entry id: pass the last id of a page to get the next one.',
    args: {
      tenantId: t.arg.id(),
      integratedAccountId: t.arg.id(),
      first: t.arg.int({ defaultValue: 50, description: '1-500.' }),
      before: t.arg.id(),
    },
    resolve: (_r, a, ctx) =>
      guarded(() => {
        const first = a.first ?? 50;
        if (!Number.isInteger(first) || first < 1 || first > 500) throw new StoreError('INVALID_INPUT', `first must be between 1 and 500 (got ${first}).`, { field: 'first' });
        if (a.before != null && !/^\d{1,18}$/.test(String(a.before))) throw new StoreError('INVALID_INPUT', 'before must be the id of an audit entry.', { field: 'before' });
        return ctx.store.listAudit({ tenantId: a.tenantId == null ? undefined : String(a.tenantId), accountId: a.integratedAccountId == null ? undefined : String(a.integratedAccountId), limit: first, before: a.before == null ? undefined : String(a.before) });
      }),
  }),
}));
