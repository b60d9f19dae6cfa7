/**
 * Composition root of the service. `npm start` runs web and worker in one process (a single
 * machine); `--role=web` or `--role=worker` runs one of them (scaled separately). Start-up
 * stops with a message naming what is wrong when the configuration is invalid.
 */
import { loadConfig, ConfigError } from './config/config';
import { buildService, createLogger, type Role } from './build-service';

export function parseRole(argv: string[]): Role {
  const arg = argv.find((a) => a.startsWith('--role='));
  const role = arg ? arg.slice('--role='.length) : 'all';
  if (role !== 'web' && role !== 'worker' && role !== 'all') throw new ConfigError(`Unknown --role=${role}: use web, worker or all`);
  return role;
}

export async function main(argv = process.argv.slice(2), defaultRole?: Role): Promise<void> {
  let config;
  let role: Role;
  try {
    config = loadConfig();
    role = defaultRole && !argv.some((a) => a.startsWith('--role=')) ? defaultRole : parseRole(argv);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(2);
  }
  const logger = createLogger(config);
  const service = await buildService(config, role, { logger }).catch((err: unknown) => {
    logger.fatal({ err: err instanceof Error ? { message: err.message, code: (err as { code?: string }).code } : String(err) }, 'start-up failed');
    process.exit(1);
  });
  const address = await service.listen();
  logger.info({ role, address, kbVersion: service.kb.version }, 'east side advice service started');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining work in progress');
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, 30_000);
    force.unref();
    service.close().then(
      () => {
        logger.info('shutdown complete');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err: err instanceof Error ? err.message : String(err) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('unhandledRejection', (reason) => logger.error({ err: reason instanceof Error ? reason.message : String(reason) }, 'unhandled rejection'));
}

if (require.main === module) void main();
