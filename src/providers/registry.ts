// Every provider the gateway knows: the built-in ones in one explicit list, plus the custom providers a
// config declares (`customProviders`). The gateway builds a ProviderRegistry per config and reads
// providers only through it (config validation, the account store, resolvers, context).
import type { ProviderDefinition } from './engine/types.js';
import { atlassian } from './atlassian/adapter.js';
import { auth0 } from './auth0/adapter.js';
import { claude } from './claude/adapter.js';
import { cursor } from './cursor/adapter.js';
import { github } from './github/adapter.js';
import { jira } from './jira/adapter.js';
import { jumpcloud } from './jumpcloud/adapter.js';
import { ldap } from './ldap/adapter.js';
import { linear } from './linear/adapter.js';
import { microsoftEntra } from './microsoft-entra/adapter.js';
import { okta } from './okta/adapter.js';
import { onelogin } from './onelogin/adapter.js';
import { openai } from './openai/adapter.js';
import { outlookCalendar } from './outlook-calendar/adapter.js';
import { scim } from './scim/adapter.js';
import { slack } from './slack/adapter.js';
import { zendesk } from './zendesk/adapter.js';

/** The built-in providers (adapters in src/providers/<slug>/). */
export const PROVIDERS: ProviderDefinition[] = [claude, openai, cursor, outlookCalendar, okta, zendesk, jira, github, linear, slack, scim, ldap, jumpcloud, onelogin, microsoftEntra, atlassian, auth0];

export class ProviderRegistry {
  private readonly bySlug: Map<string, ProviderDefinition>;
  /** Built-ins first, then custom providers in config order. Slugs must be unique (checked by the loader). */
  constructor(readonly all: readonly ProviderDefinition[], readonly custom: readonly ProviderDefinition[] = []) {
    this.bySlug = new Map(all.map((p) => [p.slug, p]));
  }
  get(slug: string): ProviderDefinition | undefined {
    return this.bySlug.get(slug);
  }
  isCustom(slug: string): boolean {
    return this.custom.some((p) => p.slug === slug);
  }
  slugs(): string[] {
    return this.all.map((p) => p.slug);
  }
  /** This registry plus custom providers (their slugs must not clash: the loader refuses that first). */
  with(custom: readonly ProviderDefinition[]): ProviderRegistry {
    return custom.length ? new ProviderRegistry([...this.all, ...custom], [...this.custom, ...custom]) : this;
  }
}

/** Only the built-in providers: what a config without customProviders gets. */
export const BUILT_IN_PROVIDERS = new ProviderRegistry(PROVIDERS);

/** A built-in provider by slug (tests, docs); the running gateway asks its own registry instead. */
export function providerBySlug(slug: string): ProviderDefinition | undefined {
  return BUILT_IN_PROVIDERS.get(slug);
}
