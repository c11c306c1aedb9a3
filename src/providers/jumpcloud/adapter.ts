// JumpCloud — v1 API, list system users (the directory's people).
// Docs: https://docs.jumpcloud.com/api/1.0/index.html (OpenAPI: https://docs.jumpcloud.com/api/1.0/index.yaml) —
//   servers https://console.jumpcloud.com/api (US), https://console.eu.jumpcloud.com/api (EU),
//   https://console.in.jumpcloud.com/api (IN); `x-api-key` header (an administrator's key); `GET /systemusers`
//   with `limit` ("Limited to 100", default 10), `skip` (offset), `sort`, `fields`, `filter`; the response
//   `{ totalCount, results: [systemuserreturn] }`; `GET /systemusers/{id}`; `x-org-id` ("Organization identifier
//   that can be obtained from console settings"), sent by multi-tenant (MSP) administrators to pick the org.
//   Same contract in TheJumpCloud/jcapi-powershell SwaggerSpecs/JumpCloud.SDK.V1.json.
// Paging: https://jumpcloud.com/support/best-practices-jumpcloud-api — "When paginating results with skip …
//   add sort: _id" so that no user is missed or repeated; response codes include 401, 403, 429, 500–504.
// Filters: the documented `filter` (`<field>:<operator>:<value>`) "is case sensitive", and the v1 operators
//   "differ from v2 operators" without being listed: our filters are case-insensitive, so the gateway tests
//   them while it pages rather than risk missing users.
// Unconfirmed: the error body (we read `message`, then `error`); whether a 429 carries Retry-After or a
//   reset header (none documented: the engine backs off); whether `limit` above 100 is capped or refused
//   (we never send more than 100); the meaning of `admin` beyond "this user is an administrator".
import { defineProvider } from '../engine/spec/index.js';
import { mapJumpCloudUser, type JumpCloudUser } from './map.js';

const engine = (note?: string) => ({ engine: true as const, ...(note ? { note } : {}) });

export const jumpcloud = defineProvider<JumpCloudUser>({
  slug: 'jumpcloud',
  displayName: 'JumpCloud',
  docsUrl: 'https://docs.jumpcloud.com/api/1.0/index.html',
  // The origin: context.baseUrl may be a bare origin or end in /api — both reach /api/systemusers.
  baseUrl: 'https://console.jumpcloud.com',
  context: {
    baseUrl: { description: 'API origin, with or without /api; default https://console.jumpcloud.com (EU: https://console.eu.jumpcloud.com, IN: https://console.in.jumpcloud.com)' },
    orgId: { description: 'the organization id, sent as `x-org-id` (multi-tenant administrators); left out when not set', pattern: '^\\S+$' },
  },
  auth: { kind: 'header', header: 'x-api-key', value: '{credentials.apiKey}', description: '`credentials.apiKey` (an administrator\'s API key) as `x-api-key`' },
  // Sent only when context.orgId is set (a header whose value is missing or empty is left out).
  headers: { 'x-org-id': '{context.orgId}', accept: 'application/json' },
  errors: { message: ['message', 'error'] },
  lists: {
    USER_DIRECTORY: {
      path: '/api/systemusers',
      // JumpCloud's advice for skip paging: sort on a unique field.
      query: { sort: '_id' },
      records: 'results',
      paginator: { kind: 'offset', offsetParam: 'skip', limitParam: 'limit', max: 100, total: 'totalCount', reservedParams: ['sort'] },
      filters: {
        email: engine('`email` and `alternateEmail`'),
        emails: engine(),
        name: engine('`displayname`, else firstname + lastname'),
        firstName: engine(),
        lastName: engine(),
        username: engine(),
        status: engine('state ACTIVATED → ACTIVE, STAGED → INVITED; SUSPENDED, `suspended` or `account_locked` → INACTIVE'),
        isActive: engine(),
        userType: engine('`admin` set → ADMIN, else USER'),
        roleId: engine('`admin.roleName` / `admin.roleNames`'),
        organizationId: engine('`organization`'),
        createdAfter: engine('`created`'),
      },
    },
  },
  byId: { path: '/api/systemusers/{id}' },
  fields: ['name', 'firstName', 'lastName', 'username', 'emails', 'status', 'remoteStatus', 'roles', 'userType', 'is2faEnabled', 'title', 'organizations', 'phones', 'externalId', 'createdAt'],
  map: (raw) => mapJumpCloudUser(raw),
});
