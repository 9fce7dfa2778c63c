import type { Response } from 'express';
import { parsePositionToken } from '@crm/read-api';
import { positionIn, respond } from './respond';

function fakeResponse() {
  const headers: Record<string, string> = {};
  let status = 200;
  const response = {
    setHeader: (name: string, value: string) => void (headers[name.toLowerCase()] = value),
    location: (url: string) => ((headers.location = url), response),
    status: (code: number) => ((status = code), response),
  };
  return { response: response as unknown as Response, headers, status: () => status };
}

describe('respond', () => {
  it('gives a create its ETag, Position-Token, Location and status, and returns the view', () => {
    const { response, headers, status } = fakeResponse();
    const position = positionIn({ collection: 'contact_list' }, 'c-1', 'contact-c-1', 0);
    const body = respond(
      response,
      { view: { contactId: 'c-1' }, revision: 0, position },
      { status: 201, location: '/v1/contacts/c-1' },
    );
    expect(body).toEqual({ contactId: 'c-1' });
    expect(status()).toBe(201);
    expect(headers).toMatchObject({ etag: '"0"', location: '/v1/contacts/c-1' });
    expect(parsePositionToken(headers['position-token'], 'contact_list')).toEqual(position);
  });

  it('gives a read its ETag and nothing else', () => {
    const { response, headers, status } = fakeResponse();
    respond(response, { view: {}, revision: 7 });
    expect(headers).toEqual({ etag: '"7"' });
    expect(status()).toBe(200);
  });
});
