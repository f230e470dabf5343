import { inject } from 'vitest';

/** Addresses of the services that test/global-setup.ts started once for the whole integration run. */
export interface TestServices {
  /** host:port of the Kafka broker. */
  kafkaBootstrap: string;
  /** sc://host:port of the Spark Connect server. */
  sparkRemote: string;
  /** mongodb://host:port of the Mongo-compatible store. */
  mongoUri: string;
  /** State dir of the test runtime (logs, checkpoints). */
  stateDir: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    services: TestServices;
  }
}

export const testServices = (): TestServices => inject('services');

/** A name unique to this test run, for topics, databases and checkpoints. */
export const uniqueName = (prefix: string): string =>
  `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 7)}`;

