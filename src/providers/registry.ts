// Every provider the gateway knows, in one explicit list.
import type { ProviderDefinition } from './engine/types.js';
import { claude } from './claude/adapter.js';
import { cursor } from './cursor/adapter.js';
import { github } from './github/adapter.js';
import { jira } from './jira/adapter.js';
import { linear } from './linear/adapter.js';
import { microsoftEntra } from './microsoft-entra/adapter.js';
import { okta } from './okta/adapter.js';
import { openai } from './openai/adapter.js';
import { outlookCalendar } from './outlook-calendar/adapter.js';
import { scim } from './scim/adapter.js';
import { slack } from './slack/adapter.js';
import { zendesk } from './zendesk/adapter.js';

export const PROVIDERS: ProviderDefinition[] = [claude, openai, cursor, outlookCalendar, okta, zendesk, jira, github, linear, slack, scim, microsoftEntra];

const bySlug = new Map(PROVIDERS.map((p) => [p.slug, p]));
export function providerBySlug(slug: string): ProviderDefinition | undefined {
  return bySlug.get(slug);
}
