// STUB — being replaced by the real cursor sandbox.
import { startSandbox, type ProviderSandbox } from '../engine/sandbox-kit.js';

export const cursorSandbox: ProviderSandbox = {
  slug: 'cursor',
  start: (port) =>
    startSandbox({ name: 'cursor', routes: [{ method: 'GET', path: /^\/users$/, handle: () => ({ body: [{ id: 1 }] }) }], authenticate: () => true, unauthorized: { status: 401 }, notFound: { status: 404 } }, port),
  demoAccount: (url) => ({ context: { baseUrl: url }, credentials: { apiKey: 'stub-key' } }),
};
