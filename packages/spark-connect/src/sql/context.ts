/**
 * What plan builders need from a session to run things: the transport client and default deadline.
 * Plans run through these helpers, so DataFrame & co never import SparkSession (no import cycles).
 */
import { create } from '@bufbuild/protobuf';
import { decodeArrowBatches, type Row } from '../arrow/decode.js';
import type { ExecuteOptions, ExecuteResult, SparkConnectClient } from '../client/client.js';
import { SparkError } from '../client/errors.js';
import { CommandSchema, type Command } from '../gen/spark/connect/commands_pb.js';
import { RelationSchema, type Relation } from '../gen/spark/connect/relations_pb.js';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { fromProtoDataType, StructType } from './types.js';

export interface SessionContext {
  readonly client: SparkConnectClient;
  /** Default deadline of each call, in ms (undefined: none for ExecutePlan, the client default for others). */
  readonly deadlineMs: number | undefined;
}

export type RelationInit = MessageInitShape<typeof RelationSchema>;
export type CommandInit = MessageInitShape<typeof CommandSchema>;

function withDeadline(ctx: SessionContext, options: ExecuteOptions = {}): ExecuteOptions {
  return options.timeoutMs === undefined && ctx.deadlineMs !== undefined ? { ...options, timeoutMs: ctx.deadlineMs } : options;
}

export function relation(init: RelationInit): Relation {
  return create(RelationSchema, init);
}

export function command(init: CommandInit): Command {
  return create(CommandSchema, init);
}

async function executeRelation(ctx: SessionContext, rel: Relation, options?: ExecuteOptions): Promise<ExecuteResult> {
  return ctx.client.executeAndCollect({ opType: { case: 'root', value: rel } }, withDeadline(ctx, options));
}

export async function executeCommand(ctx: SessionContext, cmd: Command, options?: ExecuteOptions): Promise<ExecuteResult> {
  return ctx.client.executeAndCollect({ opType: { case: 'command', value: cmd } }, withDeadline(ctx, options));
}

export async function collectRows<T extends Row = Row>(ctx: SessionContext, rel: Relation, options?: ExecuteOptions): Promise<T[]> {
  const result = await executeRelation(ctx, rel, options);
  return decodeArrowBatches(result.arrowBatches).rows as T[];
}

export async function analyzeSchema(ctx: SessionContext, rel: Relation): Promise<StructType> {
  const response = await ctx.client.analyze(
    { case: 'schema', value: { plan: { opType: { case: 'root', value: rel } } } },
    ctx.deadlineMs === undefined ? {} : { timeoutMs: ctx.deadlineMs },
  );
  const r = response.result;
  if (r.case !== 'schema' || !r.value.schema) throw new SparkError('AnalyzePlan returned no schema');
  const t = fromProtoDataType(r.value.schema);
  if (!(t instanceof StructType)) throw new SparkError(`expected a struct schema, got ${t.toDDL()}`);
  return t;
}
