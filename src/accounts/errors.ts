// Errors of the account store, with stable codes like the gateway's own table (src/providers/engine/errors.ts).
// They are GraphQLErrors, so the admin API can hand them to clients unchanged; messages never hold a secret.
import { GraphQLError } from 'graphql';

export const STORE_ERROR_CODES = {
  TENANT_NOT_FOUND: 'no such tenant',
  TENANT_EXISTS: 'a tenant with this id already exists',
  TOKEN_NOT_FOUND: 'no such API token for this tenant',
  INTEGRATED_ACCOUNT_NOT_FOUND: 'no such account for this tenant',
  INTEGRATED_ACCOUNT_EXISTS: 'an account with this id already exists',
  INTEGRATED_ACCOUNT_DISABLED: 'the account was disabled by an administrator',
  INTEGRATED_ACCOUNT_NEEDS_REAUTH: 'the account must be connected again',
  READ_ONLY: 'the entry comes from the config file and cannot be changed through the store',
  INVALID_INPUT: 'an id, provider, context or credential set is malformed',
  OAUTH_APP_NOT_CONFIGURED: 'a connect link for a provider with no `oauthApps.<slug>` in the config',
  ENCRYPTION_KEY_MISSING: 'credentials cannot be written without ROLLCALL_ENCRYPTION_KEY',
  STORE_UNAVAILABLE: 'the database cannot be reached',
} as const;

export type StoreErrorCode = keyof typeof STORE_ERROR_CODES;

export class StoreError extends GraphQLError {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extensions } });
    this.code = code;
  }
}

/** A problem that must stop the gateway's start: main prints the message (one line) and exits. */
export class StoreStartError extends Error {}
