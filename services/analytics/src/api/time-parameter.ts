import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { IsTimestamp, OPENAPI_RULE_EXTENSION, Optional } from '@crm/platform/nest';

/** An optional query parameter that is an RFC 3339 time; `rule` tells a reader what else it must be (`later than from`). */
export const Rfc3339 = (description: string, rule?: string) =>
  applyDecorators(
    ApiPropertyOptional({
      type: String,
      format: 'date-time',
      maxLength: 40,
      description,
      ...(rule && { [OPENAPI_RULE_EXTENSION]: rule }),
    } as ApiPropertyOptions),
    Optional(),
    IsString(),
    MaxLength(40),
    IsTimestamp(),
  );
