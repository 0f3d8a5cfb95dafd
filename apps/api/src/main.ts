import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from '@act/server/platform';
import { createApp } from './app/create-app';

async function bootstrap(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      // A readable list of what to fix, not a stack trace.
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const app = await createApp(config);
  await app.listen(config.PORT, config.HOST);
  const shown = config.HOST === '0.0.0.0' ? 'localhost' : config.HOST;
  Logger.log(`AI Cost Tracker is running at http://${shown}:${config.PORT} (API: /api/v1, docs: /api/docs)`, 'Bootstrap');
}

bootstrap().catch((error: Error) => {
  Logger.error(`Failed to start: ${error.message}`, error.stack, 'Bootstrap');
  process.exit(1);
});
