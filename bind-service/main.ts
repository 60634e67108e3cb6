// The bind-service process: config from the environment, the service, and the signals. SIGTERM (ECS
// stopping the task) or SIGINT: stop taking work, drain the window, unbind, release the lease, exit
// 0. A fatal condition (login refused, lease lost) or an unhandled error: log it and exit non-zero.
import { STOP_DEADLINE_AFTER_DRAIN_SECONDS } from '#core/config/stop-budget.ts';
import { VAR } from '#core/config/variables.ts';
import { loadConfig } from './config.ts';
import { armCrashPoint } from './crash-points.ts';
import { bindServiceLogger } from './logger.ts';
import { startBindService } from './service.ts';

const log = bindServiceLogger(process.env.LOG_LEVEL === 'debug' ? 'debug' : 'info');

function die(msg: string, error: unknown): never {
  log.error(msg, { error: error instanceof Error ? error : new Error(String(error)) });
  process.exit(1);
}

process.on('unhandledRejection', (reason) => die('unhandled rejection', reason));
process.on('uncaughtException', (error) => die('uncaught exception', error));

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const crashAt = armCrashPoint(process.env[VAR.FAULT_CRASH_AT]);
  if (crashAt) log.warn('crash point armed (fault testing only)', { crashAt });
  const service = await startBindService(config, { log: bindServiceLogger(config.logLevel) });
  let exiting = false;
  const exit = async (code: number, reason: string) => {
    if (exiting) return;
    exiting = true;
    log.info('shutting down', { reason });
    // Past the drain, a stop waits on writes (outcomes, receipts, leases) that a store behind a
    // network partition may hold for minutes, each retried by the SDK. ECS would SIGKILL the task;
    // ending it here instead is as safe (every step survives a crash: receipts not acknowledged are
    // sent again, claims and leases expire) and says why.
    const budgetMs = config.drainMs + STOP_DEADLINE_AFTER_DRAIN_SECONDS * 1000;
    setTimeout(() => {
      log.warn('stop not finished within its budget; exiting with its last writes unfinished', {
        budgetMs,
        reason,
      });
      process.exit(code);
    }, budgetMs).unref();
    try {
      await service.stop();
    } catch (error) {
      die('stop failed', error);
    }
    process.exit(code);
  };
  process.once('SIGTERM', () => void exit(0, 'SIGTERM'));
  process.once('SIGINT', () => void exit(0, 'SIGINT'));
  void service.fatal.then((error) => exit(1, error.message));
}

main().catch((error: unknown) => die('bind-service failed to start', error));
