// GraphiQL's page is about 9 MB of script: loaded on the first visit instead of at start, where it would sit
// in every gateway's memory (tens of MB of RSS) whether or not anyone opens it.
import type { GraphiQLOptions } from 'graphql-yoga';

export const renderGraphiQL = (opts: GraphiQLOptions): Promise<string> => import('@graphql-yoga/render-graphiql').then((m) => m.renderGraphiQL(opts));
