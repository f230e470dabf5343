/** Where each topic lands in MongoDB: pure naming and index plans, no I/O. */

export const DEAD_LETTERS = 'dead_letters';

/** `users.profile` -> `users_profile`: dots in collection names read like namespaces, so we avoid them. */
export function collectionForTopic(topic: string): string {
  return topic.replace(/[^A-Za-z0-9_]/g, '_');
}

export interface IndexPlan {
  name: string;
  key: Record<string, 1 | -1>;
  unique?: boolean;
}

/** Indexes for the questions people ask of each collection; unknown topics get the common ones only. */
const TOPIC_INDEXES: Record<string, IndexPlan[]> = {
  'users.profile': [
    { name: 'name_last_first', key: { 'name.last': 1, 'name.first': 1 } },
    { name: 'nat', key: { nat: 1 } },
  ],
  'users.location': [
    { name: 'country_city', key: { country: 1, city: 1 } },
    { name: 'postcode', key: { postcode: 1 } },
  ],
  'users.contact': [{ name: 'email', key: { email: 1 } }],
  'users.account': [{ name: 'username', key: { username: 1 } }],
};

const COMMON_INDEXES: IndexPlan[] = [{ name: 'ingested_at', key: { ingested_at: -1 } }];

export const indexesForTopic = (topic: string): IndexPlan[] => [...(TOPIC_INDEXES[topic] ?? []), ...COMMON_INDEXES];
