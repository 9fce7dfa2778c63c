import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { InteractionLogged } from './contacts';
import { PII_KEYWORD } from './json-schema';
import { openedSchema } from './wire';

describe('openedSchema', () => {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  ajv.addVocabulary([PII_KEYWORD, 'x-pii-opened']);
  const validate = ajv.compile(openedSchema(InteractionLogged));
  const interaction = {
    interactionId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e41',
    channel: 'email',
    direction: 'inbound',
    occurredAt: '2026-01-01T00:00:00.000Z',
    participants: [],
    subject: 'Renewal',
    at: '2026-01-01T00:00:01.000Z',
  };

  it('takes the data opened, or with its personal values null once the customer is erased', () => {
    expect([validate(interaction), validate.errors]).toEqual([true, null]);
    expect(validate({ ...interaction, participants: null, subject: null })).toBe(true);
  });

  it('refuses null where the value is not personal, and a value still sealed', () => {
    expect(validate({ ...interaction, channel: null })).toBe(false);
    expect(validate({ ...interaction, subject: 'pii:v1:AAAA', participants: 'pii:v1:AAAA' })).toBe(false);
  });
});
