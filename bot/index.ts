import { loadConfig, ConfigError } from './config.js';
import { createApp } from './app.js';
import { KnowledgeError } from '../knowledge/load.js';

/** Entry point of `npm start`: parse the environment once, build the app, listen. */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  await new Promise<void>((resolve) => app.server.listen(config.PORT, config.HOST, resolve));
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  console.log(`Lotse listening on http://localhost:${port} (store: ${app.store.kind}, ${app.kb.services.length} services)`);
  // The classifiers train on first use; training them now spares the first message of each language the wait.
  await app.understanding.train();
  const stop = async () => {
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof KnowledgeError) console.error(error.message);
  else console.error('Lotse could not start:', error);
  process.exit(1);
});
