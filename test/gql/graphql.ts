/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type AuthKind =
  | 'API_KEY'
  | 'BASIC'
  | 'BEARER'
  | 'LDAP_SIMPLE_BIND'
  | 'OAUTH2_CLIENT_CREDENTIALS';

export type Category =
  | 'CALENDAR'
  | 'TICKETING'
  | 'USAGE_METERING'
  | 'USER_DIRECTORY';

/** How a provider serves a filter. */
export type FilterServing =
  /** the gateway tests each record while it pages (bounded by limits.maxScan) */
  | 'ENGINE'
  /** an upstream query parameter */
  | 'QUERY_PARAMETER'
  /** a value in the upstream request body (e.g. a GraphQL variable) */
  | 'REQUEST_BODY'
  /** the gateway switches to a scoped upstream endpoint (e.g. a group's members) */
  | 'SCOPED_ENDPOINT'
  /** selects the usage data joined to each user */
  | 'USAGE_DATA';

export type PaginationKind =
  | 'BODY_CURSOR'
  | 'GRAPHQL'
  | 'HEADER_CURSOR'
  | 'LDAP_PAGED'
  | 'LINK_HEADER'
  | 'NEXT_URL'
  | 'NONE'
  | 'OFFSET'
  | 'PAGE_NUMBER'
  | 'POST_BODY';

export type SortDirection =
  | 'ASC'
  | 'DESC';

/** Filters a provider cannot honour are refused with UNSUPPORTED_FILTER, never ignored. */
export type UserFilter = {
  /** A project (or similar collection) for trackers that list users per project, e.g. a Jira project key. */
  collectionId?: string | null | undefined;
  /** Created strictly after this instant. */
  createdAfter?: string | null | undefined;
  /** Usage metering: the usage day (YYYY-MM-DD, UTC). Defaults to three days ago. */
  date?: string | null | undefined;
  /** Whole address, case-insensitive. */
  email?: string | null | undefined;
  /** Any of these addresses (at most 100), case-insensitive. */
  emails?: Array<string> | null | undefined;
  /** Substring, case-insensitive. */
  firstName?: string | null | undefined;
  /** Members of a directory group. */
  groupId?: string | null | undefined;
  /** Status ACTIVE, wherever the provider reports a status. */
  isActive?: boolean | null | undefined;
  /** Substring, case-insensitive. */
  lastName?: string | null | undefined;
  /** Substring of the full name, case-insensitive. */
  name?: string | null | undefined;
  organizationId?: string | null | undefined;
  roleId?: string | null | undefined;
  sort?: UserSort | null | undefined;
  status?: UserStatus | null | undefined;
  /** Members of a team or group (ticketing). */
  teamId?: string | null | undefined;
  /** Updated strictly after this instant. */
  updatedAfter?: string | null | undefined;
  userType?: UserType | null | undefined;
  /** Whole username or login, case-insensitive. */
  username?: string | null | undefined;
  workspaceId?: string | null | undefined;
};

export type UserSort = {
  direction?: SortDirection;
  field: UserSortField;
};

export type UserSortField =
  | 'CREATED_AT'
  | 'EMAIL'
  | 'FIRST_NAME'
  | 'LAST_NAME'
  | 'NAME'
  | 'UPDATED_AT';

/** Unified status; `remoteStatus` always carries the provider's raw value. */
export type UserStatus =
  | 'ACTIVE'
  | 'DELETED'
  | 'INACTIVE'
  | 'INVITED';

export type UserType =
  | 'ADMIN'
  | 'END_USER'
  | 'LIMITED'
  | 'MACHINE'
  | 'USER';

export type DirectoryUsersQueryVariables = Exact<{
  account: string | number;
  first?: number | null | undefined;
  after?: string | null | undefined;
  filters?: UserFilter | null | undefined;
}>;


export type DirectoryUsersQuery = { users: { edges: Array<{ cursor: string, node:
        | { __typename: 'CalendarUser' }
        | { __typename: 'DirectoryUser', id: string, remoteId: string, name: string | null, firstName: string | null, lastName: string | null, status: UserStatus | null, remoteStatus: string | null, lastLoginAt: string | null, remoteData: unknown, emails: Array<{ email: string, isPrimary: boolean | null, type: string | null }> }
        | { __typename: 'TicketingUser' }
        | { __typename: 'UsageMeteringUser' }
       }>, pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null } } | null };

export type ProvidersQueryVariables = Exact<{
  category?: Category | null | undefined;
}>;


export type ProvidersQuery = { providers: Array<{ slug: string, displayName: string, categories: Array<Category>, paginationKind: PaginationKind, authKind: AuthKind, requiredFilters: Array<string>, supportedFields: Array<string>, credentialKeys: Array<string>, docsUrl: string, supportedFilters: Array<{ name: string, servedBy: FilterServing, detail: string | null, required: boolean }> }> };

export type AnyUsersQueryVariables = Exact<{
  category: Category;
  account: string | number;
  first?: number | null | undefined;
  filters?: UserFilter | null | undefined;
}>;


export type AnyUsersQuery = { users: { edges: Array<{ node:
        | { __typename: 'CalendarUser', id: string, remoteId: string, name: string | null, firstName: string | null, lastName: string | null, status: UserStatus | null, remoteStatus: string | null, createdAt: string | null, updatedAt: string | null, remoteData: unknown, emails: Array<{ email: string }>, integratedAccount: { id: string, provider: string } }
        | { __typename: 'DirectoryUser', id: string, remoteId: string, name: string | null, firstName: string | null, lastName: string | null, status: UserStatus | null, remoteStatus: string | null, createdAt: string | null, updatedAt: string | null, remoteData: unknown, emails: Array<{ email: string }>, integratedAccount: { id: string, provider: string } }
        | { __typename: 'TicketingUser', isActive: boolean | null, userType: UserType | null, id: string, remoteId: string, name: string | null, firstName: string | null, lastName: string | null, status: UserStatus | null, remoteStatus: string | null, createdAt: string | null, updatedAt: string | null, remoteData: unknown, emails: Array<{ email: string }>, integratedAccount: { id: string, provider: string } }
        | { __typename: 'UsageMeteringUser', id: string, remoteId: string, name: string | null, firstName: string | null, lastName: string | null, status: UserStatus | null, remoteStatus: string | null, createdAt: string | null, updatedAt: string | null, remoteData: unknown, emails: Array<{ email: string }>, integratedAccount: { id: string, provider: string } }
       }> } | null };

export type UserNodeQueryVariables = Exact<{
  id: string | number;
}>;


export type UserNodeQuery = { node:
    | { name: string | null, id: string, emails: Array<{ email: string }>, integratedAccount: { id: string, provider: string } }
    | { name: string | null, id: string, emails: Array<{ email: string }>, integratedAccount: { id: string, provider: string } }
    | { name: string | null, id: string, emails: Array<{ email: string }>, integratedAccount: { id: string, provider: string } }
    | { name: string | null, id: string, emails: Array<{ email: string }>, integratedAccount: { id: string, provider: string } }
   | null };

export type IntegratedAccountsQueryVariables = Exact<{
  category?: Category | null | undefined;
}>;


export type IntegratedAccountsQuery = { integratedAccounts: Array<{ id: string, provider: string, displayName: string, categories: Array<Category>, requiredFilters: Array<string>, contextKeys: Array<string>, supportedFilters: Array<{ name: string, required: boolean }> }> | null };


export const DirectoryUsersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DirectoryUsers"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"account"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filters"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"UserFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"users"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"category"},"value":{"kind":"EnumValue","value":"USER_DIRECTORY"}},{"kind":"Argument","name":{"kind":"Name","value":"integratedAccountId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"account"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"filters"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filters"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DirectoryUser"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"remoteId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}},{"kind":"Field","name":{"kind":"Name","value":"emails"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"isPrimary"}},{"kind":"Field","name":{"kind":"Name","value":"type"}}]}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"remoteStatus"}},{"kind":"Field","name":{"kind":"Name","value":"lastLoginAt"}},{"kind":"Field","name":{"kind":"Name","value":"remoteData"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"hasPreviousPage"}},{"kind":"Field","name":{"kind":"Name","value":"startCursor"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<DirectoryUsersQuery, DirectoryUsersQueryVariables>;
export const ProvidersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Providers"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"category"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Category"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"providers"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"category"},"value":{"kind":"Variable","name":{"kind":"Name","value":"category"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"categories"}},{"kind":"Field","name":{"kind":"Name","value":"paginationKind"}},{"kind":"Field","name":{"kind":"Name","value":"authKind"}},{"kind":"Field","name":{"kind":"Name","value":"requiredFilters"}},{"kind":"Field","name":{"kind":"Name","value":"supportedFields"}},{"kind":"Field","name":{"kind":"Name","value":"credentialKeys"}},{"kind":"Field","name":{"kind":"Name","value":"docsUrl"}},{"kind":"Field","name":{"kind":"Name","value":"supportedFilters"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"servedBy"}},{"kind":"Field","name":{"kind":"Name","value":"detail"}},{"kind":"Field","name":{"kind":"Name","value":"required"}}]}}]}}]}}]} as unknown as DocumentNode<ProvidersQuery, ProvidersQueryVariables>;
export const AnyUsersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AnyUsers"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"category"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Category"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"account"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filters"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"UserFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"users"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"category"},"value":{"kind":"Variable","name":{"kind":"Name","value":"category"}}},{"kind":"Argument","name":{"kind":"Name","value":"integratedAccountId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"account"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"filters"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filters"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"remoteId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}},{"kind":"Field","name":{"kind":"Name","value":"emails"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"email"}}]}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"remoteStatus"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"remoteData"}},{"kind":"Field","name":{"kind":"Name","value":"integratedAccount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TicketingUser"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"isActive"}},{"kind":"Field","name":{"kind":"Name","value":"userType"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<AnyUsersQuery, AnyUsersQueryVariables>;
export const UserNodeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UserNode"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"emails"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"email"}}]}},{"kind":"Field","name":{"kind":"Name","value":"integratedAccount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}}]}}]}}]}}]}}]} as unknown as DocumentNode<UserNodeQuery, UserNodeQueryVariables>;
export const IntegratedAccountsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"IntegratedAccounts"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"category"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Category"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"integratedAccounts"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"category"},"value":{"kind":"Variable","name":{"kind":"Name","value":"category"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"categories"}},{"kind":"Field","name":{"kind":"Name","value":"requiredFilters"}},{"kind":"Field","name":{"kind":"Name","value":"contextKeys"}},{"kind":"Field","name":{"kind":"Name","value":"supportedFilters"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"required"}}]}}]}}]}}]} as unknown as DocumentNode<IntegratedAccountsQuery, IntegratedAccountsQueryVariables>;