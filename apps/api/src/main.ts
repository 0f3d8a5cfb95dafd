import { Logger } from '@nestjs/common';
import { AppConfig, ConfigError, loadConfig } from '@act/server/platform';
import { createApp } from './app/create-app';
import { backupCommand, restoreCommand } from './app/backup-commands';
import { keysRotateCommand } from './app/keys-rotate-command';
import { rebuildCommand } from './app/rebuild-command';

function configOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      // A readable list of what to fix, not a stack trace.
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

async function serve(config: AppConfig): Promise<void> {
  const app = await createApp(config);
  await app.listen(config.PORT, config.HOST);
  const shown = config.HOST === '0.0.0.0' ? 'localhost' : config.HOST;
  Logger.log(`AI Cost Tracker is running at http://${shown}:${config.PORT} (API: /api/v1, docs: /api/docs)`, 'Bootstrap');
}

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  const config = configOrExit();
  if (command === 'projections:rebuild') {
    process.exitCode = await rebuildCommand(config, args[0]);
  } else if (command === 'backup') {
    process.exitCode = await backupCommand(config, args[0]);
  } else if (command === 'restore') {
    process.exitCode = await restoreCommand(config, args[0]);
  } else if (command === 'keys:rotate') {
    process.exitCode = await keysRotateCommand(config);
  } else if (command === undefined || command === 'serve') {
    await serve(config);
  } else {
    console.error(`Unknown command "${command}". Commands: serve (default), projections:rebuild <name>, keys:rotate, backup <file>, restore <file>`);
    process.exitCode = 2;
  }
}

main().catch((error: Error) => {
  Logger.error(`Failed: ${error.message}`, error.stack, 'Bootstrap');
  process.exit(1);
});
