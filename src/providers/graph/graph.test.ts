// The Microsoft Graph pieces outlook-calendar and microsoft-entra share: status from two raw flags, and the
// createdAfter clause Graph can serve (it offers `ge`, not `gt`, on createdDateTime).
import { describe, expect, it } from 'vitest';
import { createdAfterClause, graphStatus } from './users.js';

describe('shared Graph user pieces', () => {
  it('derives status from accountEnabled and externalUserState, keeping both raw flags', () => {
    expect(graphStatus({ accountEnabled: true })).toEqual({ status: 'ACTIVE', remoteStatus: 'enabled' });
    expect(graphStatus({ accountEnabled: false, externalUserState: 'Accepted' })).toEqual({ status: 'INACTIVE', remoteStatus: 'disabled:Accepted' });
    expect(graphStatus({ accountEnabled: true, externalUserState: 'PendingAcceptance' })).toEqual({ status: 'INVITED', remoteStatus: 'enabled:PendingAcceptance' });
    expect(graphStatus({})).toEqual({ status: null, remoteStatus: null });
  });

  it('turns "created strictly after t" into Graph\'s `ge` on the next whole second', () => {
    expect(createdAfterClause('2024-05-01T10:00:00.000Z')).toBe('createdDateTime ge 2024-05-01T10:00:01Z');
    expect(createdAfterClause('2024-05-01T10:00:00.400Z')).toBe('createdDateTime ge 2024-05-01T10:00:01Z');
  });
});
