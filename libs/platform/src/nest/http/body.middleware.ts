import zlib from 'node:zlib';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import {
  MalformedBodyError,
  PayloadTooLargeError,
  UndecodableBodyError,
  UnsupportedMediaTypeError,
} from '../../problems/platform-errors';

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

/** The Content-Encodings body-parser decodes: zstd only where this Node has it (as body-parser checks). */
export const BODY_ENCODINGS: readonly string[] = ['gzip', 'deflate', 'br', ...('createZstdDecompress' in zlib ? ['zstd'] : [])];

interface BodyParserError {
  type?: unknown;
  status?: unknown;
  charset?: unknown;
  encoding?: unknown;
}

/** The request's Content-Encoding when it is not the identity, in lower case as body-parser reads it. */
function contentEncoding(request: Request): string | undefined {
  const encoding = (request.headers['content-encoding'] ?? 'identity').toLowerCase();
  return encoding === 'identity' ? undefined : encoding;
}

/** Turns body-parser's errors into problems, so they are answered like any other error, and none echoes zlib. */
export function bodyParserErrors(limitBytes: number): ErrorRequestHandler {
  return (error: unknown, request: Request, _response: Response, next: NextFunction) => {
    const failure = (error ?? {}) as BodyParserError;
    switch (failure.type) {
      case 'entity.parse.failed':
        return next(new MalformedBodyError());
      case 'entity.too.large':
        return next(new PayloadTooLargeError(limitBytes));
      case 'charset.unsupported':
        return next(
          new UnsupportedMediaTypeError(`The charset "${String(failure.charset)}" is not supported: send JSON as UTF-8.`),
        );
      case 'encoding.unsupported':
        return next(
          new UnsupportedMediaTypeError(
            `The Content-Encoding "${String(failure.encoding)}" is not supported: send the body unencoded, or in one of ` +
              `${BODY_ENCODINGS.join(', ')}.`,
          ),
        );
      default: {
        // A decompression stream's error (zlib's "incorrect header check") comes as a bare 400 with no type.
        const encoding = contentEncoding(request);
        if (failure.type === undefined && failure.status === 400 && encoding !== undefined) {
          return next(new UndecodableBodyError(encoding));
        }
        return next(error);
      }
    }
  };
}
