import { create } from '@bufbuild/protobuf';
import { afterAll, describe, expect, it } from 'vitest';
import { CommandSchema } from '../../src/gen/spark/connect/commands_pb.js';
import { ExpressionSchema } from '../../src/gen/spark/connect/expressions_pb.js';
import { RelationSchema, type Relation } from '../../src/gen/spark/connect/relations_pb.js';
import { DataTypeSchema } from '../../src/gen/spark/connect/types_pb.js';
import { Column, SparkError, SparkPlanError, SparkSession, T, functions as F } from '../../src/index.js';

// Plan building never talks to the server: this session points at a closed port and makes no call.
const spark = await SparkSession.builder().remote('sc://127.0.0.1:9').getOrCreate();
afterAll(() => spark.close());

const attr = (name: string) => ({ exprType: { case: 'unresolvedAttribute' as const, value: { unparsedIdentifier: name } } });
const str = (value: string) => ({ exprType: { case: 'literal' as const, value: { literalType: { case: 'string' as const, value } } } });
const int = (value: number) => ({ exprType: { case: 'literal' as const, value: { literalType: { case: 'integer' as const, value } } } });
const fn = (functionName: string, ...args: object[]) => ({
  exprType: { case: 'unresolvedFunction' as const, value: { functionName, arguments: args } },
});
const expr = (init: object) => create(ExpressionSchema, init);
const base = (): Relation => create(RelationSchema, { relType: { case: 'sql', value: { query: 'SELECT * FROM t' } } });

describe('session plans', () => {
  it('sql() and range()', () => {
    expect(spark.sql('SELECT 1 AS one').plan).toEqual(create(RelationSchema, { relType: { case: 'sql', value: { query: 'SELECT 1 AS one' } } }));
    expect(spark.range(10).plan).toEqual(create(RelationSchema, { relType: { case: 'range', value: { start: 0n, end: 10n, step: 1n } } }));
    expect(spark.range(5, 20, 3, 2).plan).toEqual(
      create(RelationSchema, { relType: { case: 'range', value: { start: 5n, end: 20n, step: 3n, numPartitions: 2 } } }),
    );
    const withArgs = spark.sql('SELECT :x', { x: 7 }).plan.relType;
    expect(withArgs.case === 'sql' && withArgs.value.namedArguments.x).toEqual(expr(int(7)));
  });
});

describe('DataFrame plans', () => {
  const df = spark.sql('SELECT * FROM t');

  it('select with names, columns and star', () => {
    expect(df.select('a', F.col('b').alias('bb'), '*', 'x.*').plan).toEqual(
      create(RelationSchema, {
        relType: {
          case: 'project',
          value: {
            input: base(),
            expressions: [
              attr('a'),
              { exprType: { case: 'alias', value: { expr: attr('b'), name: ['bb'] } } },
              { exprType: { case: 'unresolvedStar', value: {} } },
              { exprType: { case: 'unresolvedStar', value: { unparsedTarget: 'x.*' } } },
            ],
          },
        },
      }),
    );
  });

  it('filter with column predicates and boolean ops', () => {
    const cond = F.col('age').ge(18).and(F.col('name').isNotNull()).or(F.col('vip').eq(true).not());
    expect(df.where(cond).plan).toEqual(
      create(RelationSchema, {
        relType: {
          case: 'filter',
          value: {
            input: base(),
            condition: fn(
              'or',
              fn('and', fn('>=', attr('age'), int(18)), fn('isnotnull', attr('name'))),
              fn('not', fn('==', attr('vip'), { exprType: { case: 'literal', value: { literalType: { case: 'boolean', value: true } } } })),
            ),
          },
        },
      }),
    );
  });

  it('withColumn / withColumns produce one WithColumns relation', () => {
    expect(df.withColumn('n', F.length('s')).plan).toEqual(
      create(RelationSchema, {
        relType: { case: 'withColumns', value: { input: base(), aliases: [{ expr: fn('length', attr('s')), name: ['n'] }] } },
      }),
    );
    const w = df.withColumns({ a: F.lit(1), b: F.current_timestamp() }).plan.relType;
    expect(w.case === 'withColumns' && w.value.aliases.map((a) => a.name[0])).toEqual(['a', 'b']);
  });

  it('orderBy sorts ascending, nulls first, as Spark does by default', () => {
    const sort = df.orderBy('a', F.col('b')).plan.relType;
    expect(sort.case === 'sort' && sort.value.order.map((o) => [o.direction, o.nullOrdering])).toEqual([
      [1, 1],
      [1, 1],
    ]);
  });

  it('coalesce merges partitions without a shuffle; a count below 1 is refused', () => {
    expect(df.coalesce(2).plan).toEqual(create(RelationSchema, { relType: { case: 'repartition', value: { input: base(), numPartitions: 2, shuffle: false } } }));
    expect(() => df.coalesce(0)).toThrow(/whole number >= 1/);
  });

  it('from_json takes a DataType, which renders the schema for the server (names quoted there)', () => {
    const schema = T.struct(T.field('id', T.string, false), T.field('odd`name', T.int));
    const call = F.from_json(F.col('value').cast(T.string), schema).expr.exprType;
    expect(call.case === 'unresolvedFunction' && call.value.functionName).toBe('from_json');
    expect(call.case === 'unresolvedFunction' && call.value.arguments[1]).toEqual(expr(str(schema.toDDL())));
  });

  it('when / otherwise build one CASE WHEN call', () => {
    const c = F.when(F.col('a').isNull(), 'none').when(F.col('a').gt(1), 'big').otherwise(F.lit('small'));
    expect(c.expr).toEqual(
      expr(fn('when', fn('isnull', attr('a')), str('none'), fn('>', attr('a'), int(1)), str('big'), str('small'))),
    );
    expect(() => F.col('a').otherwise(1)).toThrow(/when\(\)/);
    expect(() => c.when(F.lit(true), 1)).toThrow(/otherwise/);
  });

  it('a builder used wrongly throws a SparkPlanError, one of the package SparkErrors', () => {
    for (const misuse of [() => F.col('a').otherwise(1), () => F.lit(Symbol('x') as never), () => T.decimal(3, 5), () => T.struct().add('a', T.int).add('a', T.int)]) {
      expect(misuse).toThrow(SparkPlanError);
      expect(misuse).toThrow(SparkError);
    }
  });

  it('cast, getField, to_json, concat_ws, octet_length, arithmetic', () => {
    expect(F.col('x').cast(T.long).expr).toEqual(
      expr({ exprType: { case: 'cast', value: { expr: attr('x'), castToType: { case: 'type', value: create(DataTypeSchema, { kind: { case: 'long', value: {} } }) } } } }),
    );
    expect(F.col('s').getField('city').expr).toEqual(
      expr({ exprType: { case: 'unresolvedExtractValue', value: { child: attr('s'), extraction: str('city') } } }),
    );
    expect(F.to_json(F.col('a')).expr).toEqual(expr(fn('to_json', attr('a'))));
    expect(F.concat_ws('/', 'a', 'b').expr).toEqual(expr(fn('concat_ws', str('/'), attr('a'), attr('b'))));
    expect(F.octet_length('v').expr).toEqual(expr(fn('octet_length', attr('v'))));
    expect(F.col('a').multiply(2).multiply(F.col('b')).expr).toEqual(expr(fn('*', fn('*', attr('a'), int(2)), attr('b'))));
    expect(F.named_struct({ k: F.col('a') }).expr).toEqual(expr(fn('named_struct', str('k'), attr('a'))));
  });

  it('literals map JS values to Spark types', () => {
    const lit = (v: Parameters<typeof Column.lit>[0]) => Column.lit(v).expr.exprType;
    expect(lit(1)).toMatchObject({ value: { literalType: { case: 'integer', value: 1 } } });
    expect(lit(2 ** 40)).toMatchObject({ value: { literalType: { case: 'long', value: 2n ** 40n } } });
    expect(lit(1.5)).toMatchObject({ value: { literalType: { case: 'double', value: 1.5 } } });
    expect(lit(5n)).toMatchObject({ value: { literalType: { case: 'long', value: 5n } } });
    expect(lit(new Date(1000))).toMatchObject({ value: { literalType: { case: 'timestamp', value: 1_000_000n } } });
    expect(lit(null)).toMatchObject({ value: { literalType: { case: 'null' } } });
  });
});

describe('streaming plans', () => {
  it('readStream kafka with options', () => {
    const df = spark.readStream
      .format('kafka')
      .option('kafka.bootstrap.servers', '127.0.0.1:9092')
      .options({ subscribe: 'users', startingOffsets: 'earliest', maxOffsetsPerTrigger: 1000, failOnDataLoss: false })
      .load();
    expect(df.plan).toEqual(
      create(RelationSchema, {
        relType: {
          case: 'read',
          value: {
            isStreaming: true,
            readType: {
              case: 'dataSource',
              value: {
                format: 'kafka',
                options: {
                  'kafka.bootstrap.servers': '127.0.0.1:9092',
                  subscribe: 'users',
                  startingOffsets: 'earliest',
                  maxOffsetsPerTrigger: '1000',
                  failOnDataLoss: 'false',
                },
              },
            },
          },
        },
      }),
    );
  });

  it('readers are immutable', () => {
    const r = spark.readStream.format('rate');
    r.option('rowsPerSecond', 5);
    const p = r.load().plan.relType;
    expect(p.case === 'read' && p.value.readType.case === 'dataSource' && p.value.readType.value.options).toEqual({});
  });

  it('writeStream with trigger, checkpoint, queryName and output mode', () => {
    const df = spark.readStream.format('rate').load();
    const cmd = df.writeStream
      .format('memory')
      .outputMode('append')
      .trigger({ processingTime: '1 second' })
      .queryName('q1')
      .option('checkpointLocation', '/tmp/ck')
      .toCommand();
    expect(cmd).toEqual(
      create(CommandSchema, {
        commandType: {
          case: 'writeStreamOperationStart',
          value: {
            input: df.plan,
            format: 'memory',
            options: { checkpointLocation: '/tmp/ck' },
            trigger: { case: 'processingTimeInterval', value: '1 second' },
            outputMode: 'append',
            queryName: 'q1',
          },
        },
      }),
    );
    const trig = (t: Parameters<typeof df.writeStream.trigger>[0]) => {
      const c = df.writeStream.trigger(t).toCommand().commandType;
      return c.case === 'writeStreamOperationStart' ? c.value.trigger : undefined;
    };
    expect(trig({ availableNow: true })).toEqual({ case: 'availableNow', value: true });
    expect(trig({ processingTime: 250 })).toEqual({ case: 'processingTimeInterval', value: '250 milliseconds' });
  });

  it('batch write with format and options', () => {
    const cmd = spark.range(3).write.format('kafka').options({ topic: 't' }).toCommand();
    expect(cmd.commandType).toMatchObject({ case: 'writeOperation', value: { source: 'kafka', options: { topic: 't' } } });
  });
});
