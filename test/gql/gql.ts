/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query DirectoryUsers($account: ID!, $first: Int, $after: String, $filters: UserFilter) {\n    users(category: USER_DIRECTORY, integratedAccountId: $account, first: $first, after: $after, filters: $filters) {\n      edges {\n        cursor\n        node {\n          __typename\n          ... on DirectoryUser { id remoteId name firstName lastName emails { email isPrimary type } status remoteStatus lastLoginAt remoteData }\n        }\n      }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n": typeof types.DirectoryUsersDocument,
    "\n  query Providers($category: Category) {\n    providers(category: $category) {\n      slug displayName categories paginationKind authKind requiredFilters supportedFields credentialKeys docsUrl\n      supportedFilters { name servedBy detail required }\n    }\n  }\n": typeof types.ProvidersDocument,
    "\n  query AnyUsers($category: Category!, $account: ID!, $first: Int, $filters: UserFilter) {\n    users(category: $category, integratedAccountId: $account, first: $first, filters: $filters) {\n      edges {\n        node {\n          __typename\n          id remoteId name firstName lastName emails { email } status remoteStatus createdAt updatedAt remoteData\n          integratedAccount { id provider }\n          ... on TicketingUser { isActive userType }\n        }\n      }\n    }\n  }\n": typeof types.AnyUsersDocument,
    "\n  query UserNode($id: ID!) {\n    node(id: $id) { id ... on User { name emails { email } integratedAccount { id provider } } }\n  }\n": typeof types.UserNodeDocument,
    "\n  query IntegratedAccounts($category: Category) {\n    integratedAccounts(category: $category) {\n      id provider displayName categories requiredFilters contextKeys\n      supportedFilters { name required }\n    }\n  }\n": typeof types.IntegratedAccountsDocument,
};
const documents: Documents = {
    "\n  query DirectoryUsers($account: ID!, $first: Int, $after: String, $filters: UserFilter) {\n    users(category: USER_DIRECTORY, integratedAccountId: $account, first: $first, after: $after, filters: $filters) {\n      edges {\n        cursor\n        node {\n          __typename\n          ... on DirectoryUser { id remoteId name firstName lastName emails { email isPrimary type } status remoteStatus lastLoginAt remoteData }\n        }\n      }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n": types.DirectoryUsersDocument,
    "\n  query Providers($category: Category) {\n    providers(category: $category) {\n      slug displayName categories paginationKind authKind requiredFilters supportedFields credentialKeys docsUrl\n      supportedFilters { name servedBy detail required }\n    }\n  }\n": types.ProvidersDocument,
    "\n  query AnyUsers($category: Category!, $account: ID!, $first: Int, $filters: UserFilter) {\n    users(category: $category, integratedAccountId: $account, first: $first, filters: $filters) {\n      edges {\n        node {\n          __typename\n          id remoteId name firstName lastName emails { email } status remoteStatus createdAt updatedAt remoteData\n          integratedAccount { id provider }\n          ... on TicketingUser { isActive userType }\n        }\n      }\n    }\n  }\n": types.AnyUsersDocument,
    "\n  query UserNode($id: ID!) {\n    node(id: $id) { id ... on User { name emails { email } integratedAccount { id provider } } }\n  }\n": types.UserNodeDocument,
    "\n  query IntegratedAccounts($category: Category) {\n    integratedAccounts(category: $category) {\n      id provider displayName categories requiredFilters contextKeys\n      supportedFilters { name required }\n    }\n  }\n": types.IntegratedAccountsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DirectoryUsers($account: ID!, $first: Int, $after: String, $filters: UserFilter) {\n    users(category: USER_DIRECTORY, integratedAccountId: $account, first: $first, after: $after, filters: $filters) {\n      edges {\n        cursor\n        node {\n          __typename\n          ... on DirectoryUser { id remoteId name firstName lastName emails { email isPrimary type } status remoteStatus lastLoginAt remoteData }\n        }\n      }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n"): (typeof documents)["\n  query DirectoryUsers($account: ID!, $first: Int, $after: String, $filters: UserFilter) {\n    users(category: USER_DIRECTORY, integratedAccountId: $account, first: $first, after: $after, filters: $filters) {\n      edges {\n        cursor\n        node {\n          __typename\n          ... on DirectoryUser { id remoteId name firstName lastName emails { email isPrimary type } status remoteStatus lastLoginAt remoteData }\n        }\n      }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Providers($category: Category) {\n    providers(category: $category) {\n      slug displayName categories paginationKind authKind requiredFilters supportedFields credentialKeys docsUrl\n      supportedFilters { name servedBy detail required }\n    }\n  }\n"): (typeof documents)["\n  query Providers($category: Category) {\n    providers(category: $category) {\n      slug displayName categories paginationKind authKind requiredFilters supportedFields credentialKeys docsUrl\n      supportedFilters { name servedBy detail required }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AnyUsers($category: Category!, $account: ID!, $first: Int, $filters: UserFilter) {\n    users(category: $category, integratedAccountId: $account, first: $first, filters: $filters) {\n      edges {\n        node {\n          __typename\n          id remoteId name firstName lastName emails { email } status remoteStatus createdAt updatedAt remoteData\n          integratedAccount { id provider }\n          ... on TicketingUser { isActive userType }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AnyUsers($category: Category!, $account: ID!, $first: Int, $filters: UserFilter) {\n    users(category: $category, integratedAccountId: $account, first: $first, filters: $filters) {\n      edges {\n        node {\n          __typename\n          id remoteId name firstName lastName emails { email } status remoteStatus createdAt updatedAt remoteData\n          integratedAccount { id provider }\n          ... on TicketingUser { isActive userType }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UserNode($id: ID!) {\n    node(id: $id) { id ... on User { name emails { email } integratedAccount { id provider } } }\n  }\n"): (typeof documents)["\n  query UserNode($id: ID!) {\n    node(id: $id) { id ... on User { name emails { email } integratedAccount { id provider } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query IntegratedAccounts($category: Category) {\n    integratedAccounts(category: $category) {\n      id provider displayName categories requiredFilters contextKeys\n      supportedFilters { name required }\n    }\n  }\n"): (typeof documents)["\n  query IntegratedAccounts($category: Category) {\n    integratedAccounts(category: $category) {\n      id provider displayName categories requiredFilters contextKeys\n      supportedFilters { name required }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;