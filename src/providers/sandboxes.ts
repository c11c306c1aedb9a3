// Every provider's sandbox (simulated upstream), for the demo mode and cross-cutting tests.
import type { ProviderSandbox } from './engine/sandbox-kit.js';
import { atlassianSandbox } from './atlassian/sandbox.js';
import { auth0Sandbox } from './auth0/sandbox.js';
import { claudeSandbox } from './claude/sandbox.js';
import { cursorSandbox } from './cursor/sandbox.js';
import { githubSandbox } from './github/sandbox.js';
import { jiraSandbox } from './jira/sandbox.js';
import { jumpcloudSandbox } from './jumpcloud/sandbox.js';
import { ldapSandbox } from './ldap/sandbox.js';
import { linearSandbox } from './linear/sandbox.js';
import { microsoftEntraSandbox } from './microsoft-entra/sandbox.js';
import { oktaSandbox } from './okta/sandbox.js';
import { oneloginSandbox } from './onelogin/sandbox.js';
import { openaiSandbox } from './openai/sandbox.js';
import { outlookCalendarSandbox } from './outlook-calendar/sandbox.js';
import { scimSandbox } from './scim/sandbox.js';
import { slackSandbox } from './slack/sandbox.js';
import { zendeskSandbox } from './zendesk/sandbox.js';

export const SANDBOXES: ProviderSandbox[] = [claudeSandbox, openaiSandbox, cursorSandbox, outlookCalendarSandbox, oktaSandbox, zendeskSandbox, jiraSandbox, githubSandbox, linearSandbox, slackSandbox, scimSandbox, ldapSandbox, jumpcloudSandbox, oneloginSandbox, microsoftEntraSandbox, atlassianSandbox, auth0Sandbox];
