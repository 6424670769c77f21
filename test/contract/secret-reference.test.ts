import { describe, expect, it } from 'vitest';
import { isSecretReference, parseSecretReference } from '../../src/contract/secret-reference.ts';

const resourceName = (value: string) => {
  const parsed = parseSecretReference(value);
  return 'error' in parsed ? null : parsed.resourceName;
};

describe('gcp-sm:// references (one reading for the App and the action)', () => {
  it.each([
    ['gcp-sm://projects/p/secrets/s/versions/3', 'projects/p/secrets/s/versions/3'],
    ['gcp-sm://projects/p/secrets/s/versions/latest', 'projects/p/secrets/s/versions/latest'],
    [
      '  gcp-sm://projects/acme-prod/secrets/app_key/versions/12\n',
      'projects/acme-prod/secrets/app_key/versions/12',
    ],
    [
      'gcp-sm://projects/example.com:acme/secrets/s/versions/1',
      'projects/example.com:acme/secrets/s/versions/1',
    ],
    [
      'gcp-sm://projects/p/locations/europe-west1/secrets/s/versions/1',
      'projects/p/locations/europe-west1/secrets/s/versions/1',
    ],
    ['gcp-sm://projects/p/secrets/s', null],
    ['gcp-sm://projects/p/secrets/s/versions/1/../../x', null],
    ['gcp-sm://projects/p/secrets/s/versions/one', null],
    ['gcp-sm://', null],
  ])('reads %j as %j', (reference, name) => {
    expect(resourceName(reference)).toBe(name);
  });

  it('says what is expected, naming the reference', () => {
    expect(parseSecretReference('gcp-sm://nope')).toEqual({
      error: expect.stringContaining(
        'gcp-sm://nope is not a valid secret reference; expected gcp-sm://projects/',
      ),
    });
  });

  it.each([
    ['gcp-sm://projects/p/secrets/s/versions/1', true],
    [' gcp-sm://x', true],
    ['sk-ant-123', false],
    [undefined, false],
  ])('tells %j is a reference: %s', (value, expected) => {
    expect(isSecretReference(value)).toBe(expected);
  });
});
