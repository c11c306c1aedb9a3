// Execution plugins: how documents are validated and executed, and errors shaped on the way out.
import { useGraphQlJit } from '@envelop/graphql-jit';
import { getNullableType, getOperationAST, getVariableValues, GraphQLError, isScalarType, TypeInfo, visit, visitWithTypeInfo, type ASTVisitor, type DocumentNode, type GraphQLSchema, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';

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

/**
 * Coerces variables with graphql-js before any executor runs, so variable errors read the same (code
 * BAD_USER_INPUT, HTTP 400) and input defaults apply even where graphql-jit would skip them.
 */
function useVariableCoercion(): Plugin {
  return {
    onExecute: ({ args, setResultAndStopExecution }) => {
      const operation = getOperationAST(args.document, args.operationName);
      if (!operation?.variableDefinitions?.length) return;
      const coerced = getVariableValues(args.schema, operation.variableDefinitions, (args.variableValues ?? {}) as Record<string, unknown>);
      if (coerced.errors) {
        setResultAndStopExecution({
          errors: coerced.errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } })),
        });
        return;
      }
      args.variableValues = coerced.coerced;
    },
  };
}

/** A document asking for an operation type the schema does not have (mutation, subscription) is invalid. */
function knownOperationTypes(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(node) {
      const schema = context.getSchema();
      const root = node.operation === 'query' ? schema.getQueryType() : node.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
      if (!root) context.reportError(new GraphQLError(`This gateway has no ${node.operation}s; it only answers queries.`, { nodes: node }));
    },
  };
}

/**
 * graphql-jit reports resolver errors with `locations` but without source positions, which yoga's error
 * serialisation needs to keep them: give each such error its source and positions back.
 */
function useErrorLocations(): Plugin {
  return {
    onExecute: ({ args }) => ({
      onExecuteDone: ({ result, setResult }) => {
        const source = args.document.loc?.source;
        if (!source || !('errors' in result) || !result.errors?.some((e) => e.locations?.length && !e.positions)) return;
        const lineStarts = [0];
        for (let i = 0; i < source.body.length; i++) if (source.body[i] === '\n') lineStarts.push(i + 1);
        setResult({
          ...result,
          errors: result.errors.map((e) =>
            e.locations?.length && !e.positions
              ? new GraphQLError(e.message, { source, positions: e.locations.map((l: { line: number; column: number }) => (lineStarts[l.line - 1] ?? 0) + l.column - 1), path: e.path, originalError: e.originalError, extensions: e.extensions })
              : e,
          ),
        });
      },
    }),
  };
}

/** The execution plugins, in order. */
export function executionPlugins(): Plugin[] {
  return [
    { onValidate: ({ addValidationRule }) => addValidationRule(knownOperationTypes) },
    useVariableCoercion(),
    useGraphQlJit({}, { enableIf: ({ document, schema }) => jitSafe(document, schema) }) as Plugin,
    useErrorLocations(),
  ];
}
