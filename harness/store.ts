import { connectMongo } from '../src/app/streaming.js';
import type { StreamlineConfig } from '../src/config/index.js';

/** Drops the config's database: a test, benchmark repetition or fault scenario starts from an empty store. */
export async function dropDatabase(config: StreamlineConfig): Promise<void> {
  const mongo = await connectMongo(config);
  try {
    await mongo.db(config.mongo.database).dropDatabase();
  } finally {
    await mongo.close();
  }
}
