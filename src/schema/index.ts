// Imports every type and resolver, then builds the schema once.
import { builder } from './builder.js';
import './enums.js';
import './objects.js';
import './accounts.js';
import './users.js';
import './filters.js';
import './connection.js';
import './filter-values.js';
import '../resolvers/users.js';
import '../resolvers/providers.js';
import '../resolvers/nodes.js';
import '../resolvers/accounts.js';
import '../resolvers/filter-values.js';

export const schema = builder.toSchema({ sortSchema: false });
