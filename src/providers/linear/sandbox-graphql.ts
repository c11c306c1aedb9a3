// The GraphQL side of the Linear sandbox: a hand-written subset of Linear's published schema (the types the
// users endpoints need, same names, arguments and nullability as packages/sdk/src/schema.graphql in
// linear/linear), Linear's `UserFilter` semantics, and its documented query-complexity scoring.
// Sources: schema.graphql (types, comparators, "Defaults to 50"); https://linear.app/developers/rate-limiting
// (complexity: 0.1 per property, 1 per object, a connection multiplies its children by its page size or 50,
// rounded up; one query may not exceed 10,000 points) — the page is quoted from third-party notes, the
// scoring is therefore (unverified).
import { buildSchema, getNamedType, isObjectType, Kind, type DocumentNode, type GraphQLObjectType, type SelectionSetNode, type ValueNode } from 'graphql';

export const LINEAR_SDL = /* GraphQL */ `
  scalar DateTime
  scalar DateTimeOrDuration

  enum PaginationOrderBy { createdAt updatedAt }

  type PageInfo { startCursor: String endCursor: String hasNextPage: Boolean! hasPreviousPage: Boolean! }

  type Team { id: ID! key: String! name: String! }
  type TeamEdge { cursor: String! node: Team! }
  type TeamConnection { edges: [TeamEdge!]! nodes: [Team!]! pageInfo: PageInfo! }

  type User {
    id: ID!
    name: String!
    displayName: String!
    email: String!
    avatarUrl: String
    avatarBackgroundColor: String!
    initials: String!
    active: Boolean!
    admin: Boolean!
    owner: Boolean!
    guest: Boolean!
    app: Boolean!
    isMe: Boolean!
    disableReason: String
    description: String
    title: String
    timezone: String
    url: String!
    createdAt: DateTime!
    updatedAt: DateTime!
    archivedAt: DateTime
    lastSeen: DateTime
    teams(after: String, before: String, first: Int, includeArchived: Boolean, last: Int, orderBy: PaginationOrderBy): TeamConnection!
  }
  type UserEdge { cursor: String! node: User! }
  type UserConnection { edges: [UserEdge!]! nodes: [User!]! pageInfo: PageInfo! }

  input BooleanComparator { eq: Boolean neq: Boolean }
  input IDComparator { eq: ID in: [ID!] neq: ID nin: [ID!] }
  input StringComparator {
    contains: String containsIgnoreCase: String containsIgnoreCaseAndAccent: String endsWith: String eq: String
    eqIgnoreCase: String in: [String!] neq: String neqIgnoreCase: String nin: [String!] notContains: String
    notContainsIgnoreCase: String notEndsWith: String notStartsWith: String startsWith: String
  }
  input DateComparator {
    eq: DateTimeOrDuration gt: DateTimeOrDuration gte: DateTimeOrDuration in: [DateTimeOrDuration!]
    lt: DateTimeOrDuration lte: DateTimeOrDuration neq: DateTimeOrDuration nin: [DateTimeOrDuration!]
  }
  input UserFilter {
    active: BooleanComparator admin: BooleanComparator and: [UserFilter!] app: BooleanComparator
    createdAt: DateComparator displayName: StringComparator email: StringComparator id: IDComparator
    invited: BooleanComparator isInvited: BooleanComparator isMe: BooleanComparator name: StringComparator
    or: [UserFilter!] owner: BooleanComparator updatedAt: DateComparator
  }

  type Query {
    users(after: String, before: String, filter: UserFilter, first: Int, includeArchived: Boolean, includeDisabled: Boolean, last: Int, orderBy: PaginationOrderBy): UserConnection!
    user(id: String!): User!
    viewer: User!
  }
`;

export const linearSchema = buildSchema(LINEAR_SDL);

/** What the filter evaluator reads of a stored user. */
export interface FilterableUser {
  id: string; name: string; displayName: string; email: string;
  active: boolean; admin: boolean; owner: boolean; app: boolean; invited: boolean; isMe: boolean;
  createdAt: string; updatedAt: string;
}

export class FilterError extends Error {}

const fold = (s: string) => s.toLowerCase();
const unaccent = (s: string) => fold(s).normalize('NFD').replace(/\p{Diacritic}/gu, '');

function stringMatches(value: string, cmp: Record<string, any>): boolean {
  const v = value;
  const tests: Record<string, (x: any) => boolean> = {
    eq: (x) => v === x,
    neq: (x) => v !== x,
    eqIgnoreCase: (x) => fold(v) === fold(x),
    neqIgnoreCase: (x) => fold(v) !== fold(x),
    in: (x: string[]) => x.includes(v),
    nin: (x: string[]) => !x.includes(v),
    contains: (x) => v.includes(x),
    notContains: (x) => !v.includes(x),
    containsIgnoreCase: (x) => fold(v).includes(fold(x)),
    notContainsIgnoreCase: (x) => !fold(v).includes(fold(x)),
    containsIgnoreCaseAndAccent: (x) => unaccent(v).includes(unaccent(x)),
    startsWith: (x) => v.startsWith(x),
    notStartsWith: (x) => !v.startsWith(x),
    endsWith: (x) => v.endsWith(x),
    notEndsWith: (x) => !v.endsWith(x),
  };
  return Object.entries(cmp).every(([op, x]) => x === null || x === undefined || tests[op]!(x));
}

function toTime(x: string): number {
  const t = Date.parse(x);
  // Linear also accepts ISO 8601 durations relative to now ("-P2W"); the sandbox only takes dates.
  if (Number.isNaN(t)) throw new FilterError(`invalid date: ${x}`);
  return t;
}

function dateMatches(value: string, cmp: Record<string, any>): boolean {
  const v = Date.parse(value);
  const tests: Record<string, (x: any) => boolean> = {
    eq: (x) => v === toTime(x), neq: (x) => v !== toTime(x),
    gt: (x) => v > toTime(x), gte: (x) => v >= toTime(x), lt: (x) => v < toTime(x), lte: (x) => v <= toTime(x),
    in: (x: string[]) => x.some((d) => v === toTime(d)), nin: (x: string[]) => !x.some((d) => v === toTime(d)),
  };
  return Object.entries(cmp).every(([op, x]) => x === null || x === undefined || tests[op]!(x));
}

function boolMatches(value: boolean, cmp: Record<string, any>): boolean {
  return (cmp.eq == null || value === cmp.eq) && (cmp.neq == null || value !== cmp.neq);
}

/** Linear's `UserFilter`: every given field must match; `and`/`or` nest. */
export function matchesUserFilter(u: FilterableUser, f: Record<string, any> | null | undefined): boolean {
  if (!f) return true;
  for (const [key, cmp] of Object.entries(f)) {
    if (cmp === null || cmp === undefined) continue;
    switch (key) {
      case 'and': if (!(cmp as any[]).every((g) => matchesUserFilter(u, g))) return false; break;
      case 'or': if (!(cmp as any[]).some((g) => matchesUserFilter(u, g))) return false; break;
      case 'id': if (!stringMatches(u.id, cmp)) return false; break;
      case 'name': case 'displayName': case 'email': if (!stringMatches(u[key], cmp)) return false; break;
      case 'createdAt': case 'updatedAt': if (!dateMatches(u[key], cmp)) return false; break;
      case 'active': case 'admin': case 'owner': case 'app': case 'isMe': if (!boolMatches(u[key], cmp)) return false; break;
      case 'invited': case 'isInvited': if (!boolMatches(u.invited, cmp)) return false; break;
      default: throw new FilterError(`the sandbox does not evaluate UserFilter.${key}`);
    }
  }
  return true;
}

export const MAX_QUERY_COMPLEXITY = 10_000;
const DEFAULT_PAGE = 50;

/** Linear's documented complexity of an operation (fragments included), rounded up. */
export function complexityOf(doc: DocumentNode, variables: Record<string, unknown>, operationName?: string | null): number {
  const fragments = new Map(doc.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const op = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName));
  if (!op || op.kind !== Kind.OPERATION_DEFINITION) return 0;
  const valueOf = (v: ValueNode | undefined): unknown => {
    if (!v) return undefined;
    if (v.kind === Kind.VARIABLE) return variables[v.name.value];
    if (v.kind === Kind.INT) return Number(v.value);
    return undefined;
  };
  const cost = (set: SelectionSetNode, type: GraphQLObjectType): number => {
    let total = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const frag = fragments.get(sel.name.value);
        if (frag) total += cost(frag.selectionSet, type);
        continue;
      }
      if (sel.kind === Kind.INLINE_FRAGMENT) { total += cost(sel.selectionSet, type); continue; }
      const field = type.getFields()[sel.name.value];
      if (!field) continue;
      const named = getNamedType(field.type);
      if (!sel.selectionSet || !isObjectType(named)) { total += 0.1; continue; }
      const children = cost(sel.selectionSet, named);
      if (named.name.endsWith('Connection')) {
        const first = valueOf(sel.arguments?.find((a) => a.name.value === 'first' || a.name.value === 'last')?.value);
        total += 1 + (typeof first === 'number' ? first : DEFAULT_PAGE) * children;
      } else total += 1 + children;
    }
    return total;
  };
  return Math.ceil(cost(op.selectionSet, linearSchema.getQueryType()!) - 1e-9);
}
