// Compiled execution: graphql-jit compiles each query operation once and runs wide user lists much faster
// than graphql-js. One cache serves yoga (as its executor) and the fast lane (by document text), keyed by
// document *and* operation name: a document with several operations compiles once per operation asked for.
import { getNullableType, getOperationAST, isScalarType, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type ExecutionArgs, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';

/**
 * graphql-jit compiles a document once and executes wide user lists much faster, but cannot run some
 * documents exactly: those take the standard executor. (Variables reach it already coerced.) It cannot
 * run @defer/@stream; it drops variables inside a scalar's object or list literal (`remoteQuery: { a: $v }`)
 * and prints a warning for every such literal; and it drops a leaf aliased `__proto__`.
 */
const jitSafety = new WeakMap<DocumentNode, boolean>(); // yoga caches parsed documents, so this hits
function jitSafe(document: DocumentNode, schema: GraphQLSchema): boolean {
  const known = jitSafety.get(document);
  if (known !== undefined) return known;
  let safe = true;
  const types = new TypeInfo(schema);
  const scalarLiteral = () => {
    const t = types.getInputType();
    if (t && isScalarType(getNullableType(t))) safe = false;
  };
  visit(document, visitWithTypeInfo(types, {
    Directive: (node) => {
      if (node.name.value === 'defer' || node.name.value === 'stream') safe = false;
    },
    Field: (node) => {
      if (node.alias?.value === '__proto__' || node.name.value === '__proto__') safe = false;
    },
    ObjectValue: scalarLiteral,
    ListValue: scalarLiteral,
  }));
  jitSafety.set(document, safe);
  return safe;
}

export interface Compiled {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  operationName: string | null;
  query: CompiledQuery['query'];
}

const keyOf = (source: string, operationName: string | null) => `${operationName ?? ''}\u0000${source}`;

export class CompiledQueries {
  /** By document text and operation name, for requests not parsed yet (the fast lane). */
  private readonly bySource: LRUCache<string, Compiled>;
  /** By parsed document (yoga caches those), per operation name; null: run by graphql-js. */
  private readonly byDocument = new WeakMap<DocumentNode, Map<string | null, Compiled | null>>();

  constructor(maxDocuments = 500) {
    this.bySource = new LRUCache({ max: maxDocuments });
  }

  /** A validated document's operation, compiled; null for what graphql-js must run (see jitSafe), or a mutation. */
  prepare(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): Compiled | null {
    const name = operationName ?? null;
    let perName = this.byDocument.get(document);
    if (!perName) this.byDocument.set(document, (perName = new Map()));
    if (perName.has(name)) return perName.get(name)!;
    let compiled: Compiled | null = null;
    const operation = getOperationAST(document, name);
    if (operation?.operation === 'query' && jitSafe(document, schema)) {
      const c = compileQuery(schema, document, name ?? undefined);
      if (isCompiledQuery(c)) compiled = { schema, document, operation, operationName: name, query: c.query.bind(c) };
    }
    perName.set(name, compiled);
    const source = document.loc?.source.body;
    if (compiled && source) this.bySource.set(keyOf(source, name), compiled);
    return compiled;
  }

  /** The compiled operation for this document text, if yoga validated and compiled it before. */
  lookup(source: string, operationName: string | null): Compiled | undefined {
    return this.bySource.get(keyOf(source, operationName));
  }

  /** yoga's executor for compiled documents (variables reach it coerced: see useVariableCoercion). */
  plugin(): Plugin {
    return {
      onExecute: ({ args, setExecuteFn }) => {
        const compiled = this.prepare(args.schema, args.document, args.operationName);
        if (compiled) setExecuteFn((a: ExecutionArgs) => compiled.query(a.rootValue, a.contextValue, a.variableValues ?? {}) as never);
      },
    };
  }
}
