// STUB — being replaced by the real outlook-calendar sandbox.
import { startSandbox, type ProviderSandbox } from '../engine/sandbox-kit.js';

export const outlookCalendarSandbox: ProviderSandbox = {
  slug: 'outlook-calendar',
  start: (port) =>
    startSandbox({ name: 'outlook-calendar', routes: [{ method: 'GET', path: /^\/users$/, handle: () => ({ body: [{ id: 1 }] }) }], authenticate: () => true, unauthorized: { status: 401 }, notFound: { status: 404 } }, port),
  demoAccount: (url) => ({ context: { baseUrl: url }, credentials: { apiKey: 'stub-key' } }),
};
