// Compiled execution: graphql-jit compiles each query operation once and runs wide user lists much faster
// than graphql-js. One cache serves yoga (as its executor) and the fast lane (by document text), keyed by
// document *and* operation name: a document with several operations compiles once per operation asked for.
import { getNullableType, getOperationAST, isScalarType, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type ExecutionArgs, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import { executeStreamLane, planStreamLane, type StreamLanePlan } from './stream-lane.js';

/**
 * graphql-jit compiles a document once and executes wide user lists much faster, but cannot run some
 * documents exactly: those take the standard executor. (Variables reach it already coerced.) It cannot
 * run @defer/@stream (the stream lane cuts the common streamed shape into pieces it can run); it drops
 * variables inside a scalar's object or list literal (`remoteQuery: { a: $v }`) and prints a warning for
 * every such literal; and it drops a leaf aliased `__proto__`.
 */
interface JitSafety {
  /** Nothing but @defer/@stream keeps graphql-jit from running it. */
  safe: boolean;
  incremental: boolean;
}
const jitSafety = new WeakMap<DocumentNode, JitSafety>(); // yoga caches parsed documents, so this hits
function jitSafetyOf(document: DocumentNode, schema: GraphQLSchema): JitSafety {
  const known = jitSafety.get(document);
  if (known !== undefined) return known;
  const out: JitSafety = { safe: true, incremental: false };
  const types = new TypeInfo(schema);
  const scalarLiteral = () => {
    const t = types.getInputType();
    if (t && isScalarType(getNullableType(t))) out.safe = false;
  };
  visit(document, visitWithTypeInfo(types, {
    Directive: (node) => {
      if (node.name.value === 'defer' || node.name.value === 'stream') out.incremental = true;
    },
    Field: (node) => {
      if (node.alias?.value === '__proto__' || node.name.value === '__proto__') out.safe = false;
    },
    ObjectValue: scalarLiteral,
    ListValue: scalarLiteral,
  }));
  jitSafety.set(document, out);
  return out;
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
  private readonly lanes = new WeakMap<DocumentNode, Map<string | null, StreamLanePlan | null>>();

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
    const safety = jitSafetyOf(document, schema);
    if (operation?.operation === 'query' && safety.safe && !safety.incremental) {
      const c = compileQuery(schema, document, name ?? undefined);
      if (isCompiledQuery(c)) compiled = { schema, document, operation, operationName: name, query: c.query.bind(c) };
    }
    perName.set(name, compiled);
    const source = document.loc?.source.body;
    if (compiled && source) this.bySource.set(keyOf(source, name), compiled);
    return compiled;
  }

  /** The stream lane's plan for a validated document, or null when the general executor must run it. */
  streamLane(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): StreamLanePlan | null {
    const name = operationName ?? null;
    let perName = this.lanes.get(document);
    if (!perName) this.lanes.set(document, (perName = new Map()));
    if (perName.has(name)) return perName.get(name)!;
    const safety = jitSafetyOf(document, schema);
    const operation = getOperationAST(document, name);
    const plan = safety.safe && safety.incremental && operation ? planStreamLane(schema, document, operation) : null;
    perName.set(name, plan);
    return plan;
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
        if (compiled) return setExecuteFn((a: ExecutionArgs) => compiled.query(a.rootValue, a.contextValue, a.variableValues ?? {}) as never);
        const lane = this.streamLane(args.schema, args.document, args.operationName);
        if (lane) setExecuteFn((a: ExecutionArgs) => executeStreamLane(lane, a) as never);
      },
    };
  }
}
