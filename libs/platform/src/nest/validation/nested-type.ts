import type { Type } from '@nestjs/common';
import type { MetadataStorage } from 'class-transformer/types/MetadataStorage';

// class-transformer keeps the nested types (`@Type(() => EmailDto)`) here; it exports no other way to read them.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: MetadataStorage };

/** The input class a property of `target` holds (`@ValidateNested()` with `@Type()`), if it holds one. */
export function nestedTypeOf(target: Type<object>, property: string): Type<object> | undefined {
  return defaultMetadataStorage.findTypeMetadata(target, property)?.typeFunction() as Type<object> | undefined;
}
