// The README's streaming example, run as is by test/integration/example.test.ts.
// Usage: SPARK_REMOTE=sc://localhost:15002 npx tsx examples/streaming.ts
import { SparkSession, T, functions as F } from '@streamline/spark-connect';

/** Streams the `rate` source through JSON and back into an in-memory table; returns the rows it holds. */
export async function rateThroughJson(remote: string): Promise<number> {
  const spark = await SparkSession.builder().remote(remote).getOrCreate();
  const events = spark.streams.events(); // progress pushed by the server's listener bus
  try {
    const registered = events.next();
    const schema = T.struct(T.field('n', T.long), T.field('at', T.timestamp));
    const query = await spark.readStream
      .format('rate')
      .option('rowsPerSecond', 50)
      .load()
      .select(F.to_json(F.named_struct({ n: F.col('value'), at: F.col('timestamp') })).alias('json'))
      .select(F.from_json(F.col('json'), schema).alias('msg'))
      .where(F.col('msg').getField('n').ge(0))
      .select(F.col('msg').getField('n').alias('n'), F.when(F.col('msg').getField('n').isin(0, 1, 2), 'first').otherwise('later').alias('kind'))
      .writeStream.format('memory')
      .queryName('rate_through_json')
      .trigger({ processingTime: '500 milliseconds' })
      .start();
    for (let r = await registered; !r.done; r = await events.next()) {
      const e = r.value;
      if (e.type === 'progress' && e.progress.id === query.id && e.progress.numInputRows > 0) break;
    }
    await query.stop();
    const [row] = await spark.sql('SELECT count(*) AS n FROM rate_through_json').collect<{ n: number }>();
    return row?.n ?? 0;
  } finally {
    await events.return(undefined);
    await spark.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`rows: ${await rateThroughJson(process.env.SPARK_REMOTE ?? 'sc://localhost:15002')}`);
}
