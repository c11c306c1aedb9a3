// GitHub's directory listing declared in YAML (test/fixtures/custom-github.yaml: JSONata where the TS adapter's
// mapper uses code, members and invitations alike) passes the same shared contract as the built-in github
// adapter, against the same sandbox, loaded through `customProviders` like a user's file.
import { fileURLToPath } from 'node:url';
import { describeProviderConformance } from './conformance.js';
import { githubSandbox } from '../src/providers/github/sandbox.js';

describeProviderConformance({ sandbox: githubSandbox, category: 'USER_DIRECTORY', customProvider: { file: fileURLToPath(new URL('./fixtures/custom-github.yaml', import.meta.url)) } });
