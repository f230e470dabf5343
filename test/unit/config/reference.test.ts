import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configurationReference, defaultConfig, toEnvName } from '../../../src/config/index.js';

const committed = () => readFileSync(new URL('../../../docs/configuration-reference.md', import.meta.url), 'utf8');

describe('the configuration reference (docs/configuration-reference.md)', () => {
  it('is what src/config/schema.ts renders today (run npm run docs:config when this fails)', () => {
    expect(committed(), 'docs/configuration-reference.md is stale: run npm run docs:config').toBe(configurationReference());
  });

  it('has a row per key with its default and environment variable', () => {
    const reference = configurationReference();
    expect(reference).toContain(`| \`kafka.port\` | integer 1..65535 | \`${defaultConfig().kafka.port}\` | \`${toEnvName(['kafka', 'port'])}\` |`);
    expect(reference).toContain('| `stateDir` | string | `.streamline` | `STREAMLINE_STATE_DIR` |');
    expect(reference).toContain('| `produce.rate` | number > 0, ≤ 1000000 | unset | `STREAMLINE_PRODUCE_RATE` |');
  });
});
