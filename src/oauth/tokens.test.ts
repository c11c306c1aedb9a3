import { describe, expect, it } from 'vitest';
import { providerBySlug } from '../providers/registry.js';
import { endpoint } from './tokens.js';

const app = { clientId: 'id', clientSecret: 'secret' };

describe('OAuth endpoints for an account', () => {
  it('a relative URL is under the account base URL: its context.baseUrl, else the one its subdomain derives', () => {
    const zd = providerBySlug('zendesk')!;
    expect(endpoint(zd, app, { subdomain: 'acme' }, 'authorize')).toBe('https://acme.zendesk.com/oauth/authorizations/new');
    expect(endpoint(zd, app, { baseUrl: 'http://127.0.0.1:9/', subdomain: 'acme' }, 'token')).toBe('http://127.0.0.1:9/oauth/tokens');
    expect(endpoint(zd, app, {}, 'token')).toBeUndefined();
  });

  it('context defaults fill templates (Graph loginUrl), and the OAuth app\'s URLs win over the spec', () => {
    const graph = providerBySlug('outlook-calendar')!;
    expect(endpoint(graph, app, {}, 'authorize')).toBe('https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize');
    expect(endpoint(graph, app, { loginUrl: 'https://login.microsoftonline.us' }, 'token')).toBe('https://login.microsoftonline.us/organizations/oauth2/v2.0/token');
    expect(endpoint(providerBySlug('github')!, { ...app, tokenUrl: 'https://ghe.example/login/oauth/access_token' }, {}, 'token')).toBe('https://ghe.example/login/oauth/access_token');
  });

  it('only providers whose spec declares the flow have one', () => {
    expect(providerBySlug('jira')!.oauth?.authorizeParams).toEqual({ audience: 'api.atlassian.com', prompt: 'consent' });
    expect(providerBySlug('okta')!.oauth).toBeUndefined();
  });
});
