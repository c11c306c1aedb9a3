// STUB — being replaced by the real jira adapter.
import { headerAuth } from '../engine/auth.js';
import { singlePage } from '../engine/paginators.js';
import { defineProvider } from '../engine/types.js';

export const jira = defineProvider<any>({
  slug: 'jira',
  displayName: 'jira',
  category: 'TICKETING',
  docsUrl: 'https://example.invalid',
  baseUrl: () => 'https://example.invalid',
  auth: headerAuth({ key: 'apiKey', header: 'x-api-key', description: 'stub' }),
  list: { path: '/users', records: (b) => b, paginator: singlePage() },
  filters: {},
  fields: [],
  map: (raw) => ({ remoteId: String(raw.id) }),
});
