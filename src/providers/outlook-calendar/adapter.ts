// STUB — being replaced by the real outlook-calendar adapter.
import { headerAuth } from '../engine/auth.js';
import { singlePage } from '../engine/paginators.js';
import { defineProvider } from '../engine/types.js';

export const outlookCalendar = defineProvider<any>({
  slug: 'outlook-calendar',
  displayName: 'outlook-calendar',
  category: 'CALENDAR',
  docsUrl: 'https://example.invalid',
  baseUrl: () => 'https://example.invalid',
  auth: headerAuth({ key: 'apiKey', header: 'x-api-key', description: 'stub' }),
  list: { path: '/users', records: (b) => b, paginator: singlePage() },
  filters: {},
  fields: [],
  map: (raw) => ({ remoteId: String(raw.id) }),
});
