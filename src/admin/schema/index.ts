// The admin schema: its own builder and types, served on /admin/graphql only.
import { builder } from './builder.js';
import './objects.js';
import './tenants.js';
import './tokens.js';
import './accounts.js';
import './audit.js';
import './oauth.js';

export const adminSchema = builder.toSchema({ sortSchema: false });
