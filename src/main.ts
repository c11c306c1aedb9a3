// Starts the gateway: with GATEWAY_CONFIG=path (or --config path) from that file, otherwise in demo mode.
import { createServer } from 'node:http';
import { ConfigError, loadConfigFile, type GatewayConfig } from './config.js';
import { startDemo, type Demo } from './demo.js';
import { StoreStartError } from './accounts/errors.js';
import { openAccountStore } from './accounts/open.js';
import type { CompositeStore } from './accounts/composite.js';
import { createGateway, EXAMPLE_QUERY } from './server.js';

function configPath(argv: string[]): string | undefined {
  const i = argv.indexOf('--config');
  if (i >= 0) return argv[i + 1];
  const eq = argv.find((a) => a.startsWith('--config='));
  return eq ? eq.slice('--config='.length) : process.env.GATEWAY_CONFIG || undefined;
}

async function main() {
  const path = configPath(process.argv.slice(2));
  let config: GatewayConfig;
  let demo: Demo | undefined;
  let store: CompositeStore;
  try {
    if (path) config = loadConfigFile(path);
    else {
      demo = await startDemo();
      config = demo.config;
    }
    store = await openAccountStore(config, { demo: !!demo, warn: (m) => console.error(m) });
  } catch (e) {
    if (e instanceof ConfigError || e instanceof StoreStartError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const gateway = createGateway(config, {
    store,
    ...(demo && { graphiql: {
      headers: JSON.stringify({ Authorization: `Bearer ${demo.token}` }, null, 2),
      defaultQuery: EXAMPLE_QUERY.replace('$account: ID!', `$account: ID! = "${demo.accounts.okta}"`),
    } }),
  });
  const port = Number(process.env.PORT ?? 4000);
  const server = createServer(gateway.yoga);
  server.listen(port, () => {
    const url = `http://localhost:${port}/graphql`;
    if (demo) {
      console.log(`Rollcall demo mode: ${demo.sandboxes.length} provider sandboxes on 127.0.0.1, no credentials needed.`);
      console.log(`GraphiQL: ${url}`);
      console.log(`Demo tenant API token: ${demo.token}`);
      console.log(`Demo accounts: ${Object.entries(demo.accounts).map(([p, id]) => `${id} (${p})`).join(', ')}`);
    } else {
      gateway.logger.info({ url, accounts: config.integratedAccounts.length }, 'rollcall listening');
    }
  });
  const stop = async () => {
    server.close();
    await gateway.close();
    await store.close();
    await demo?.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
