import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { MalformedBodyError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../../problems/platform-errors';

/** The body media types parsed as JSON: `application/json` and `application/*+json` (merge-patch, problem). */
export const JSON_MEDIA_TYPES = ['application/json', 'application/*+json'];

const isJson = (mediaType: string) => mediaType === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType);

function hasBody(request: Request): boolean {
  return request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
}

/** 415 for a request body that is not JSON (or one of `extraMediaTypes`), before anything reads it. */
export function requireJsonBody(extraMediaTypes: readonly string[] = []): RequestHandler {
  const accepted = ['application/json', 'application/*+json', ...extraMediaTypes];
  return (request: Request, _response: Response, next: NextFunction) => {
    if (!hasBody(request)) return next();
    const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (isJson(mediaType) || extraMediaTypes.includes(mediaType)) return next();
    const received = mediaType ? `"${mediaType}"` : 'no Content-Type';
    next(new UnsupportedMediaTypeError(`Received ${received}; accepted: ${accepted.join(', ')}.`));
  };
}

/** Turns body-parser's errors into problems, so they are answered like any other error. */
export function bodyParserErrors(limitBytes: number): ErrorRequestHandler {
  return (error: unknown, _request: Request, _response: Response, next: NextFunction) => {
    switch ((error as { type?: unknown } | null)?.type) {
      case 'entity.parse.failed':
        return next(new MalformedBodyError());
      case 'entity.too.large':
        return next(new PayloadTooLargeError(limitBytes));
      case 'charset.unsupported':
      case 'encoding.unsupported':
        return next(new UnsupportedMediaTypeError('Send JSON as UTF-8, uncompressed or gzip/deflate encoded.'));
      default:
        return next(error);
    }
  };
}
