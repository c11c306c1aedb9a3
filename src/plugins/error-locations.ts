// Error locations for compiled execution (the fast lane, yoga's compiled executor, the stream lane).
import { GraphQLError, type DocumentNode, type ExecutionResult } from 'graphql';

/**
 * graphql-jit reports resolver errors with `locations` but without source positions, which yoga's error
 * serialisation needs to keep them: give each such error its source and positions back.
 */
export function withErrorLocations<R extends ExecutionResult>(result: R, document: DocumentNode): R {
  const source = document.loc?.source;
  if (!source || !result.errors?.some((e) => e.locations?.length && !e.positions)) return result;
  const lineStarts = [0];
  for (let i = 0; i < source.body.length; i++) if (source.body[i] === '\n') lineStarts.push(i + 1);
  return {
    ...result,
    errors: result.errors.map((e) =>
      e.locations?.length && !e.positions
        ? new GraphQLError(e.message, { source, positions: e.locations.map((l: { line: number; column: number }) => (lineStarts[l.line - 1] ?? 0) + l.column - 1), path: e.path, originalError: e.originalError, extensions: e.extensions })
        : e,
    ),
  };
}
