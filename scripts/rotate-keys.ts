// npm run rotate-keys: re-encrypts every stored credential under the first key of ROLLCALL_ENCRYPTION_KEY.
// Put the new key first and keep the old ones after it until this has run; then drop the old ones.
import { StoreStartError } from '../src/accounts/errors.js';
import { openAccountStore } from '../src/accounts/open.js';

try {
  const store = await openAccountStore({ tenants: [], integratedAccounts: [] });
  const { rotated, keyId } = await store.rotateKeys('cli:rotate-keys');
  await store.close();
  console.log(`rotate-keys: ${rotated} integrated account(s) re-encrypted; every stored credential is now under key "${keyId}".`);
} catch (e) {
  console.error(e instanceof StoreStartError || (e as { code?: string }).code ? (e as Error).message : e);
  process.exit(1);
}
