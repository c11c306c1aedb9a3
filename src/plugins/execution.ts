// Execution plugins: how documents are validated and executed, and errors shaped on the way out.
import type { CompiledQueries } from './compiled.js';
import { getOperationAST, getVariableValues, GraphQLError, type ASTVisitor, type ExecutionResult, type GraphQLSchema, type OperationDefinitionNode, type ValidationContext } from 'graphql';
import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';
import { withErrorLocations } from './error-locations.js';

/** Variables coerced by graphql-js (input defaults applied), or the errors a client gets for them (HTTP 400). */
export function coerceVariables(schema: GraphQLSchema, operation: OperationDefinitionNode | null | undefined, given: Record<string, unknown> | null | undefined): { coerced: Record<string, unknown> } | { errors: GraphQLError[] } {
  if (!operation?.variableDefinitions?.length) return { coerced: given ?? {} };
  const coerced = getVariableValues(schema, operation.variableDefinitions, given ?? {});
  if (coerced.errors) return { errors: coerced.errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } })) };
  return { coerced: coerced.coerced };
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
      const v = coerceVariables(args.schema, operation, args.variableValues as Record<string, unknown> | undefined);
      if ('errors' in v) setResultAndStopExecution({ errors: v.errors });
      else args.variableValues = v.coerced;
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

function useErrorLocations(): Plugin {
  return {
    onExecute: ({ args }) => ({
      onExecuteDone: ({ result, setResult }) => {
        if (!('errors' in result)) return;
        const fixed = withErrorLocations(result as ExecutionResult, args.document);
        if (fixed !== result) setResult(fixed);
      },
    }),
  };
}

/**
 * What the engine refused while answering (an upstream that looped, a next link, records without an id) goes
 * into the response's `extensions.warnings`: the fields are answered, so these are not errors. A streamed
 * response carries each warning once, in the first payload after it was raised.
 */
function useWarnings(): Plugin {
  return {
    onExecute: ({ args }) => {
      let sent = 0;
      return {
        onExecuteDone: (payload) =>
          handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => {
            const warnings = (args.contextValue as { scope?: { warnings?: unknown[] } }).scope?.warnings ?? [];
            if (warnings.length <= sent) return;
            setResult({ ...result, extensions: { ...result.extensions, warnings: warnings.slice(sent) } });
            sent = warnings.length;
          }),
      };
    },
  };
}

/** The execution plugins, in order (compiled execution is chosen before coercion, which may stop it). */
export function executionPlugins(compiled: CompiledQueries): Plugin[] {
  return [
    { onValidate: ({ addValidationRule }) => addValidationRule(knownOperationTypes) },
    compiled.plugin(),
    useVariableCoercion(),
    useErrorLocations(),
    useWarnings(),
  ];
}
