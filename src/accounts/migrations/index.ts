// Every migration, in order. Listed explicitly (not read from a folder) so they work the same under tsx,
// a bundle, or a test worker. Add new ones at the end; never edit one that has shipped.
import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './0001-initial.js';
import * as oauthStates from './0002-oauth-states.js';

const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-oauth-states': oauthStates,
};

export const migrationProvider: MigrationProvider = { getMigrations: async () => MIGRATIONS };
