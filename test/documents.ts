// Operations the tests send the way a client would; `npm run codegen` types them into test/gql/.
import { graphql } from './gql/index.js';

export const DirectoryUsersDocument = graphql(`
  query DirectoryUsers($account: ID!, $first: Int, $after: String, $filters: UserFilter) {
    users(category: USER_DIRECTORY, integratedAccountId: $account, first: $first, after: $after, filters: $filters) {
      edges {
        cursor
        node {
          __typename
          ... on DirectoryUser { id remoteId name firstName lastName emails { email isPrimary type } status remoteStatus lastLoginAt remoteData }
        }
      }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
`);

export const ProvidersDocument = graphql(`
  query Providers($category: Category) {
    providers(category: $category) {
      slug displayName categories paginationKind authKind requiredFilters supportedFields credentialKeys docsUrl
      supportedFilters { name servedBy detail required }
    }
  }
`);

export const AnyUsersDocument = graphql(`
  query AnyUsers($category: Category!, $account: ID!, $first: Int, $filters: UserFilter) {
    users(category: $category, integratedAccountId: $account, first: $first, filters: $filters) {
      edges {
        node {
          __typename
          id remoteId name firstName lastName emails { email } status remoteStatus createdAt updatedAt remoteData
          integratedAccount { id provider }
          ... on TicketingUser { isActive userType }
        }
      }
    }
  }
`);

export const UserNodeDocument = graphql(`
  query UserNode($id: ID!) {
    node(id: $id) { id ... on User { name emails { email } integratedAccount { id provider } } }
  }
`);

export const IntegratedAccountsDocument = graphql(`
  query IntegratedAccounts($category: Category) {
    integratedAccounts(category: $category) {
      id provider displayName categories requiredFilters contextKeys
      supportedFilters { name required }
    }
  }
`);
