// GitHub REST payload shapes, as github/rest-api-description (api.github.com.2022-11-28) documents them.
// Shared by the sandbox and the adapter so neither depends on the other.

/** `#/components/schemas/simple-user`: what /orgs/{org}/members and /repos/{owner}/{repo}/assignees list. */
export interface GitHubSimpleUser {
  login: string;
  id: number;
  node_id: string;
  avatar_url: string;
  gravatar_id: string | null;
  url: string;
  html_url: string;
  followers_url: string;
  following_url: string;
  gists_url: string;
  starred_url: string;
  subscriptions_url: string;
  organizations_url: string;
  repos_url: string;
  events_url: string;
  received_events_url: string;
  /** 'User', 'Bot', 'Organization', 'Mannequin' … (a free string in the schema). */
  type: string;
  site_admin: boolean;
  /** Optional in the schema; the list endpoints leave them out, the single-user endpoints fill them. */
  name?: string | null;
  email?: string | null;
  starred_at?: string;
  user_view_type?: string;
  [extra: string]: unknown;
}

/** `public-user` (GET /users/{username}, GET /user/{account_id}): simple-user plus the profile. */
export interface GitHubPublicUser extends GitHubSimpleUser {
  name: string | null;
  company: string | null;
  blog: string | null;
  location: string | null;
  email: string | null;
  hireable: boolean | null;
  bio: string | null;
  twitter_username?: string | null;
  public_repos: number;
  public_gists: number;
  followers: number;
  following: number;
  created_at: string;
  updated_at: string;
}

/** `organization-invitation` (GET /orgs/{org}/invitations): `login` is null for an invite by e-mail. */
export interface GitHubInvitation {
  id: number;
  login: string | null;
  email: string | null;
  role: string;
  created_at: string;
  failed_at?: string | null;
  failed_reason?: string | null;
  inviter: GitHubSimpleUser;
  team_count: number;
  node_id: string;
  invitation_teams_url: string;
  invitation_source?: string;
}

/** `basic-error`: every GitHub error body. `status` is a string ("404"). */
export interface GitHubError {
  message: string;
  documentation_url?: string;
  status?: string;
  errors?: { resource?: string; field?: string; code: string; message?: string }[];
}
