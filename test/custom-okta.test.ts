// A custom provider declared in YAML (test/fixtures/custom-okta.yaml: Okta's listing, JSONata where the
// TS adapter's mapper uses code) passes the same shared contract as the built-in okta adapter, against the
// same sandbox, loaded through `customProviders` like a user's file.
import { fileURLToPath } from 'node:url';
import { describeProviderConformance } from './conformance.js';
import { oktaSandbox } from '../src/providers/okta/sandbox.js';

describeProviderConformance({ sandbox: oktaSandbox, category: 'USER_DIRECTORY', customProvider: { file: fileURLToPath(new URL('./fixtures/custom-okta.yaml', import.meta.url)) } });
