// Keeps OAuth accounts' access tokens current: refreshed shortly before they expire (when a request loads the account)
// and after the upstream refuses one (the engine's renew hook). Exactly one refresh runs per account across every
// gateway process: callers in this process share one promise, and the refresh itself runs under the store's account
// lock (a row lock on PostgreSQL), re-reading the credentials first — a second process finds the first one's new
// token and uses it. A refused refresh marks the account NEEDS_REAUTH; from then on requests answer
// INTEGRATED_ACCOUNT_NEEDS_REAUTH without calling anyone (never a refresh loop).
import type { CompositeStore } from '../accounts/composite.js';
import { StoreError } from '../accounts/errors.js';
import type { StoredAccount } from '../accounts/store.js';
import { usableAccount } from '../accounts/usable.js';
import type { UpstreamClient } from '../providers/engine/http.js';
import type { Credentials, ProviderDefinition } from '../providers/engine/types.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { endpoint, tokenGrant, TokenRefused, type OAuthApp } from './tokens.js';

/** How long before its expiry an access token is replaced. */
export const REFRESH_EARLY_MS = 60_000;

export class TokenRefresher {
  private readonly inFlight = new Map<string, Promise<Credentials>>();
  constructor(
    private readonly store: CompositeStore,
    private readonly client: UpstreamClient,
    private readonly apps: Readonly<Record<string, OAuthApp>>,
    private readonly providers: ProviderRegistry,
    private readonly now: () => number = Date.now,
  ) {}

  private expiring = (c: Credentials) => !!c.refreshToken && !!c.expiresAt && Date.parse(String(c.expiresAt)) - this.now() < REFRESH_EARLY_MS;

  /** The account with a current access token: refreshed first when it expires within a minute. */
  async fresh(account: StoredAccount): Promise<StoredAccount> {
    if (account.status === undefined || !this.expiring(account.credentials) || !this.refreshable(account)) return account;
    const credentials = await this.refresh(account, (c) => !this.expiring(c));
    return { ...account, credentials };
  }

  /** After the upstream refused `used`: new credentials, unless another caller already replaced them. */
  async renew(account: StoredAccount, used: Credentials): Promise<Credentials | null> {
    if (account.status === undefined || !used.refreshToken || !this.refreshable(account)) return null;
    return this.refresh(account, (c) => c.accessToken !== used.accessToken);
  }

  private refreshable(a: StoredAccount): boolean {
    return !!this.providers.get(a.provider)?.oauth && !!this.apps[a.provider];
  }

  /** One refresh per account at a time; `settled` says the credentials under the lock need none (someone refreshed). */
  private refresh(account: StoredAccount, settled: (c: Credentials) => boolean): Promise<Credentials> {
    const key = `${account.tenant}\0${account.id}`;
    let p = this.inFlight.get(key);
    if (!p) {
      p = this.store
        .withAccountLock(account.tenant, account.id, async (locked) => {
          const now = locked.account;
          const refused = usableAccount(now);
          if (refused instanceof StoreError) throw refused; // another process marked it NEEDS_REAUTH meanwhile
          if (settled(now.credentials) || !now.credentials.refreshToken) return now.credentials;
          const def = this.providers.get(account.provider)!;
          const app = this.apps[account.provider]!;
          try {
            const next = await this.grant(def, app, now);
            await locked.saveCredentials(next);
            return next;
          } catch (e) {
            if (!(e instanceof TokenRefused)) throw e; // 5xx, network: the token stays, the next request tries again
            await locked.setStatus('NEEDS_REAUTH', `refresh refused: ${e.message}`.slice(0, 300));
            throw usableAccount({ ...now, status: 'NEEDS_REAUTH', lastError: `refresh refused: ${e.message}`.slice(0, 300) });
          }
        }, 'oauth-refresh')
        .finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, p);
    }
    return p;
  }

  private grant(def: ProviderDefinition, app: OAuthApp, a: StoredAccount): Promise<Credentials> {
    const url = endpoint(def, app, a.context, 'token');
    if (!url) throw new TokenRefused(`no token URL for this account's context; set oauthApps.${def.slug}.tokenUrl`);
    return tokenGrant(this.client, def, app, url, { grant_type: 'refresh_token', refresh_token: String(a.credentials.refreshToken) }, a.credentials, this.now());
  }
}
