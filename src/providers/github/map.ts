// GitHub record → unified user. Pure and total: it never throws on odd data (the raw record stays in
// remoteData). One mapper for every GitHub shape the adapter reads: simple-user (members, assignees),
// public-user / private-user (GET /user/{account_id}) and organization-invitation (pending invitations).
import { idOf, isoDate, splitName, str } from '../engine/map-helpers.js';
import type { UnifiedUser, UserType } from '../engine/types.js';

/** simple-user `type`: a free string; only these two say something the unified enum can hold. */
export const GITHUB_USER_TYPE: Record<string, UserType> = { User: 'USER', Bot: 'MACHINE' };

/** An organization-invitation: it has an inviter and a role, which no user payload has. */
export function isInvitation(raw: any): boolean {
  return raw != null && typeof raw === 'object' && 'inviter' in raw && 'role' in raw && !('site_admin' in raw);
}

export function toUnifiedGitHubUser(raw: any): UnifiedUser {
  const r = raw != null && typeof raw === 'object' ? raw : {};
  if (isInvitation(r)) {
    const email = str(r.email);
    const role = str(r.role);
    return {
      // Invitation ids are their own sequence, not user ids: prefixed so they can never collide with a member.
      remoteId: idOf(r.id) && `invitation:${idOf(r.id)}`,
      name: null,
      firstName: null,
      lastName: null,
      username: str(r.login),
      emails: email ? [{ email, isPrimary: true, type: 'invitation' }] : [],
      status: 'INVITED',
      remoteStatus: null,
      isActive: false,
      roles: role ? [{ id: role, name: role }] : [],
      teamIds: [],
      identifiers: typeof r.node_id === 'string' ? { nodeId: r.node_id } : null,
      createdAt: isoDate(r.created_at),
      updatedAt: null,
    };
  }
  const name = str(r.name) || null; // GitHub sends "" for a profile without a name
  const email = str(r.email);
  const html = str(r.html_url);
  const blog = str(r.blog);
  // GitHub Enterprise Server reports a suspended user with `suspended_at` (unverified for the public view).
  const suspended = typeof r.suspended_at === 'string' && r.suspended_at !== '';
  return {
    remoteId: idOf(r.id) || idOf(r.login),
    name,
    ...splitName(name),
    username: str(r.login),
    emails: email ? [{ email, isPrimary: true, type: 'public' }] : [],
    avatar: str(r.avatar_url),
    // Everyone the list endpoints return is a member or an assignable user: active by being listed.
    status: suspended ? 'INACTIVE' : 'ACTIVE',
    remoteStatus: suspended ? 'suspended' : null,
    isActive: !suspended,
    userType: typeof r.type === 'string' ? (GITHUB_USER_TYPE[r.type] ?? null) : null,
    // The org role is not in any user payload: roles stay empty (the roleId filter is served upstream).
    roles: [],
    teamIds: [],
    urls: [...(html ? [{ url: html, type: 'profile' }] : []), ...(blog ? [{ url: blog, type: 'blog' }] : [])],
    identifiers: typeof r.node_id === 'string' ? { nodeId: r.node_id } : null,
    bio: str(r.bio),
    // Only the authenticated user's private view carries it; lists never do.
    is2faEnabled: typeof r.two_factor_authentication === 'boolean' ? r.two_factor_authentication : null,
    createdAt: isoDate(r.created_at),
    updatedAt: isoDate(r.updated_at),
  };
}
