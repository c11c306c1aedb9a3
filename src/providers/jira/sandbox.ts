// STUB — being replaced by the real jira sandbox.
import { startSandbox, type ProviderSandbox } from '../engine/sandbox-kit.js';

export const jiraSandbox: ProviderSandbox = {
  slug: 'jira',
  start: (port) =>
    startSandbox({ name: 'jira', routes: [{ method: 'GET', path: /^\/users$/, handle: () => ({ body: [{ id: 1 }] }) }], authenticate: () => true, unauthorized: { status: 401 }, notFound: { status: 404 } }, port),
  demoAccount: (url) => ({ context: { baseUrl: url }, credentials: { apiKey: 'stub-key' } }),
};
