import { describe, expect, it } from 'vitest';
import { describeConfig, loadConfig, redactUri } from '../../../src/config/index.js';

describe('--print-config with credentials in a URI (deploy/compose.yaml sets mongo.uri with a password)', () => {
  it('masks the password of mongo.uri and keeps the rest', () => {
    const config = loadConfig({ env: { STREAMLINE_MONGO_URI: 'mongodb://app:s3cret@mongo:27017/?authSource=admin' }, cwd: '/nonexistent' });
    const printed = describeConfig(config);
    expect(printed).toContain('"uri": "mongodb://app:***@mongo:27017/?authSource=admin"');
    expect(printed).not.toContain('s3cret');
  });

  it('leaves URIs without a password alone', () => {
    expect(redactUri('sc://spark-connect:15002')).toBe('sc://spark-connect:15002');
    expect(redactUri('mongodb://mongo:27017/')).toBe('mongodb://mongo:27017/');
    expect(redactUri('mongodb://user@mongo:27017/')).toBe('mongodb://user@mongo:27017/');
  });
});
