// Starts the gateway: with --config path (or GATEWAY_CONFIG=path) from that file, otherwise — only when no
// configuration is given at all — in demo mode. stdout carries JSON log lines only; what a person at the
// terminal must read (usage, the demo banner, why the start failed) goes to stderr, one clear line each.
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import type { LoadedConfig } from './config.js';
import { createListener } from './listener.js';
import type { Demo } from './demo.js';
import { createLogger, LOG_LEVELS, routeConsole, type Logger } from './logger.js';
import type { Gateway, GatewayOptions } from './server.js';
import type { CompositeStore } from './accounts/composite.js';

export const USAGE = `Usage: rollcall [--config <file>]

Options:
  --config <file>  JSON or YAML gateway config (or GATEWAY_CONFIG=<file>; --config wins).
                   With neither, the gateway starts in demo mode against built-in sandboxes.
  -h, --help       Print this help.

Environment:
  PORT       port to listen on (default 4000; 0 picks a free one)
  HOST       address to bind (default: 127.0.0.1 in demo mode, every interface with a config)
  LOG_LEVEL  ${LOG_LEVELS.join(', ')} (default info); logs are JSON lines on stdout

Signals: SIGHUP reloads the config file; SIGINT or SIGTERM stop the gateway.`;

class StartError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

interface Settings { configPath?: string; port: number; host?: string; logLevel: string }

/** Reads flags and environment; anything unusable stops the start before anything is opened. */
function settings(argv: string[], env: NodeJS.ProcessEnv): Settings | 'help' {
  let values: { config?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { config: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }));
  } catch (e) {
    throw new StartError(`rollcall: ${(e as Error).message.split('\n')[0]}\n\n${USAGE}`, 2);
  }
  if (values.help) return 'help';
  if (values.config === '') throw new StartError('rollcall: --config needs a file path.', 2);
  if (values.config === undefined && env.GATEWAY_CONFIG !== undefined && env.GATEWAY_CONFIG.trim() === '')
    throw new StartError('rollcall: GATEWAY_CONFIG is set but empty; give it a config file path, or unset it to start in demo mode.');
  const rawPort = env.PORT ?? '4000';
  if (!/^\d{1,5}$/.test(rawPort.trim()) || Number(rawPort) > 65535) throw new StartError(`rollcall: PORT must be a number from 0 to 65535 (got "${rawPort}").`);
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) throw new StartError(`rollcall: LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}").`);
  const host = env.HOST?.trim() || undefined;
  return { configPath: values.config ?? env.GATEWAY_CONFIG, port: Number(rawPort), host, logLevel };
}

function listenError(e: NodeJS.ErrnoException, host: string, port: number): string {
  const where = `${host}:${port}`;
  if (e.code === 'EADDRINUSE') return `rollcall: ${where} is already in use; stop the other process or choose another PORT.`;
  if (e.code === 'EACCES') return `rollcall: not allowed to listen on ${where}; choose a PORT above 1023.`;
  if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return `rollcall: HOST ${host} is not an address of this machine; use 127.0.0.1, 0.0.0.0 or one of its interfaces.`;
  return `rollcall: cannot listen on ${where} (${e.code ?? e.message}).`;
}

/** The gateway serving requests now; a retired one closes when its last in-flight request ends. */
interface Live { gateway: Gateway; inflight: number; retired: boolean; graceMs: number; onIdle?: () => void }

/** True once no request runs on `l`; false when `ms` pass first. */
function idle(l: Live, ms: number): Promise<boolean> {
  if (l.inflight === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    l.onIdle = () => {
      clearTimeout(t);
      resolve(true);
    };
  });
}

async function main(): Promise<void> {
  const s = settings(process.argv.slice(2), process.env);
  if (s === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  // Loaded only now, so a refused start (bad flag, PORT, LOG_LEVEL) answers at once.
  const { ConfigError, loadConfig } = await import('./config.js');
  const { StoreStartError } = await import('./accounts/errors.js');
  const secrets = new Set<string>(); // every secret ever loaded: redacting a retired one costs nothing
  const fromStore: { secrets?: () => string[] } = {}; // the database's decrypted credentials, once it is open
  const logger: Logger = createLogger(() => [...secrets, ...(fromStore.secrets?.() ?? [])], undefined, s.logLevel);
  routeConsole(logger);

  let loaded: LoadedConfig;
  let demo: Demo | undefined;
  let store: CompositeStore;
  try {
    if (s.configPath) loaded = loadConfig(s.configPath);
    else {
      demo = await (await import('./demo.js')).startDemo();
      loaded = { config: demo.config, warnings: [] };
    }
  } catch (e) {
    if (e instanceof ConfigError) throw new StartError(e.message);
    throw e;
  }
  // The database opens at its first use (embedded PGlite takes seconds and blocks the event loop while it
  // starts), so the config file's tokens and accounts answer at once; PostgreSQL connects at once, in the
  // background. Failing to open it stops the gateway, as at start.
  const { readStoreSettings } = await import('./accounts/settings.js');
  const { Keyring } = await import('./accounts/keyring.js');
  const { CompositeStore: Composite } = await import('./accounts/composite.js');
  const { StaticAccountStore } = await import('./accounts/store.js');
  let storeSettings: ReturnType<typeof readStoreSettings>;
  let keyring: ReturnType<typeof Keyring.parse>;
  try {
    storeSettings = readStoreSettings();
    keyring = demo ? Keyring.random() : Keyring.parse(storeSettings.encryptionKey); // a malformed key is refused now
  } catch (e) {
    if (e instanceof StoreStartError) throw new StartError(e.message);
    throw e;
  }
  const openDatabase = () =>
    import('./accounts/open.js').then((m) => m.openDatabaseStore({ demo: !!demo, settings: storeSettings, keyring, warn: (m) => logger.warn(m) })).then((db) => {
      fromStore.secrets = () => db.knownSecrets();
      return db;
    }).catch((e: unknown) => {
      process.stderr.write(`${e instanceof StoreStartError ? e.message : `rollcall: could not open the account store: ${(e as Error)?.message ?? String(e)}`}\n`);
      process.exit(1);
    });
  store = new Composite(new StaticAccountStore(loaded.config.integratedAccounts as never, loaded.config.tenants), openDatabase, loaded.config.providers);
  if (storeSettings.databaseUrl) void store.database;
  // Bound before the schema and server modules load (the slow part), so a taken port is reported at once;
  // requests arriving meanwhile wait for the gateway.
  let live: Live | undefined;
  const open = new Set<Live>(); // every gateway not yet closed: the live one and retired ones still draining
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  const server: Server = createListener(loaded.config.server, async (req, res) => {
    if (!live) await isReady;
    const l = live!;
    l.inflight++;
    res.once('close', () => {
      if (--l.inflight > 0) return;
      l.onIdle?.();
      if (l.retired) {
        open.delete(l);
        void l.gateway.close();
      }
    });
    // The admin API is a yoga of its own (src/admin), the export plain Node streams: same port.
    l.gateway.handle(req, res);
  });
  // Demo mode serves its token to anyone who opens GraphiQL: loopback only, unless HOST says otherwise.
  const host = s.host ?? (demo ? '127.0.0.1' : undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(new StartError(listenError(e, host ?? '*', s.port))));
    server.listen(s.port, host, resolve);
  });

  const { configSecrets, createGateway, EXAMPLE_QUERY } = await import('./server.js');
  const { adminTokensOf } = await import('./admin/tokens.js');
  // Demo mode makes an admin token when none is given, shown in the banner like the tenant token.
  const env = demo && !process.env.ROLLCALL_ADMIN_TOKEN ? { ...process.env, ROLLCALL_ADMIN_TOKEN: `rc_admin_${randomBytes(24).toString('base64url')}` } : process.env;
  const adminTokens = (l: LoadedConfig) => {
    try {
      return adminTokensOf(l.config, env);
    } catch (e) {
      throw new StartError(`rollcall: ${(e as Error).message}`);
    }
  };
  const opts: GatewayOptions = {
    logger,
    ...(demo && {
      graphiql: {
        headers: JSON.stringify({ Authorization: `Bearer ${demo.token}` }, null, 2),
        defaultQuery: EXAMPLE_QUERY.replace('$account: ID!', `$account: ID! = "${demo.accounts.okta}"`),
        adminHeaders: JSON.stringify({ Authorization: `Bearer ${env.ROLLCALL_ADMIN_TOKEN}` }, null, 2),
      },
    }),
  };
  const start = (l: LoadedConfig): Live => {
    const admins = adminTokens(l);
    for (const x of [...configSecrets(l.config), ...admins.map((a) => a.token)]) secrets.add(x);
    for (const w of l.warnings) logger.warn(w);
    // A reload swaps the config file's read-only entries; the database behind them stays open.
    const entries = l === loaded ? store : new Composite(new StaticAccountStore(l.config.integratedAccounts as never, l.config.tenants), () => store.database, l.config.providers);
    const l2: Live = { gateway: createGateway(l.config, { ...opts, store: entries, adminTokens: admins }), inflight: 0, retired: false, graceMs: l.config.limits.shutdownGraceMs };
    open.add(l2);
    return l2;
  };
  live = start(loaded);
  ready();
  const retire = (l: Live) => {
    l.retired = true;
    if (l.inflight === 0) {
      open.delete(l);
      void l.gateway.close();
    }
  };

  const port = (server.address() as AddressInfo).port;
  const shown = !host || host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shown}:${port}/graphql`;
  if (demo) {
    process.stderr.write(
      [
        `Rollcall demo mode (no --config or GATEWAY_CONFIG given): ${demo.sandboxes.length} provider sandboxes on 127.0.0.1, no credentials needed.`,
        `GraphiQL: ${url}`,
        `Demo tenant API token: ${demo.token}`,
        `Admin API: http://${shown}:${port}/admin/graphql (admin token: ${env.ROLLCALL_ADMIN_TOKEN})`,
        `Demo accounts: ${Object.entries(demo.accounts).map(([p, id]) => `${id} (${p})`).join(', ')}`,
        ...demo.unavailable.map((u) => `No demo account for ${u.slug}: its sandbox could not start here. ${u.reason}`),
        `OAuth connect links (createConnectLink on the admin API; the sandboxes approve at once): ${Object.entries(demo.connectContexts).map(([p, c]) => `${p} with context ${JSON.stringify(c)}`).join('; ')}`,
        '',
      ].join('\n'),
    );
    if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') logger.warn({ host }, 'demo mode on a non-loopback HOST: anyone who can reach it can read the demo token from GraphiQL');
  }
  const custom = loaded.config.providers.custom.map((p) => p.slug);
  logger.info({ url, mode: demo ? 'demo' : 'config', host: host ?? '*', port, accounts: loaded.config.integratedAccounts.length, ...(custom.length ? { customProviders: custom } : {}) }, 'rollcall listening');

  // SIGHUP: re-read the config file. New requests get the new accounts and tokens at once; requests
  // already running finish on the old gateway, which closes after the last of them.
  process.on('SIGHUP', () => {
    if (!s.configPath) {
      logger.info('SIGHUP ignored: demo mode has no config file to reload');
      return;
    }
    try {
      const next = loadConfig(s.configPath);
      const old = live!;
      live = start(next);
      retire(old);
      logger.info({ accounts: next.config.integratedAccounts.length, tenants: next.config.tenants.length }, 'config reloaded');
    } catch (e) {
      logger.error({ error: (e as Error).message }, 'config reload failed; still serving the previous config');
    }
  });
  // SIGINT/SIGTERM: stop accepting, let running requests finish for limits.shutdownGraceMs, then abort their
  // upstream calls (they answer at once with UPSTREAM_UNAVAILABLE) and close. A second signal exits at once.
  let stopping = false;
  const stop = async () => {
    if (stopping) process.exit(1);
    stopping = true;
    server.close();
    await Promise.all(
      [...open].map(async (l) => {
        if (!(await idle(l, l.graceMs))) {
          logger.warn({ inflight: l.inflight, graceMs: l.graceMs }, 'shutdown: aborting requests still running');
          l.gateway.abortInFlight();
          await idle(l, 2_000); // their error answers go out before the process exits
        }
        await l.gateway.close();
      }),
    );
    await store.close();
    await demo?.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  if (e instanceof StartError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(e.exitCode);
  }
  process.stderr.write(`rollcall: could not start: ${(e as Error)?.message ?? String(e)}\n`);
  process.exit(1);
});
