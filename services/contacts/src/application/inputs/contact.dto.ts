import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
import { IsBoolean, IsIn, MaxLength, ValidateBy, type ValidationOptions } from 'class-validator';
import {
  CONSENT_CHANNELS,
  CONSENT_PURPOSES,
  LIFECYCLE_STAGES,
  OPTIONAL_PROFILE_FIELDS,
  REQUIRED_PROFILE_FIELDS,
  type ConsentChannel,
  type ConsentPurpose,
  type CustomFieldValue,
  type LifecycleStage,
  type OptionalProfileField,
} from '@crm/contracts';
import {
  BoundedArray,
  BoundedString,
  BoundedStringArray,
  ClearList,
  documentValidator,
  IsCountryCode,
  IsEmailAddress,
  IsTimestamp,
  IsUuid,
  Nested,
  OPENAPI_RULE_EXTENSION,
  Optional,
} from '@crm/platform/nest';
import { phoneTextProblem } from '../../domain/contact-values';

// The inputs of the contacts' commands: the API validates a request body against them, an import a row's would-be
// body, so that both hold to the same rules and messages.

const COUNTRY = /^[A-Z]{2}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CAMEL_KEY = /^[a-z][a-zA-Z0-9]*$/;
const PROFILE_FIELDS: readonly string[] = [...REQUIRED_PROFILE_FIELDS, ...OPTIONAL_PROFILE_FIELDS];
// A tag is one line: the contract's pattern (`^[^\s].*$`) matches no line break.
const ONE_LINE = /^[^\r\n\u2028\u2029]*$/;

/** What a phone number's text shows before the contact's country is known (a national one is checked with it). */
function IsPhoneNumberText(): PropertyDecorator {
  return ValidateBy({
    name: 'isPhoneNumberText',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && phoneTextProblem(value) === undefined,
      defaultMessage: (args) =>
        `${args?.property ?? 'value'} ${typeof args?.value === 'string' ? phoneTextProblem(args.value) : 'must be text'}`,
    },
  });
}

/** A given or a family name, or both: a person known by a family name only has an empty given name. */
export class PersonNameDto {
  @BoundedString(100, { optional: true, example: 'Dr.' }) prefix?: string;
  @BoundedString(200, {
    example: 'Ada',
    description: 'Empty for a person known by a family name only.',
    rule: 'a given or a family name',
  })
  given!: string;
  @BoundedString(100, { optional: true }) middle?: string;
  @BoundedString(200, {
    example: 'Lovelace',
    description: 'Empty for a person known by a single name.',
    rule: 'a given or a family name',
  })
  family!: string;
  @BoundedString(100, { optional: true, example: 'PhD' }) suffix?: string;
}

export class EmailDto {
  @ApiProperty({ example: 'ada@example.com', maxLength: 254 })
  @MaxLength(254)
  @IsEmailAddress()
  address!: string;

  @BoundedString(40, { optional: true, minLength: 1, example: 'work' }) label?: string;

  @ApiProperty({ required: false, description: 'The primary address; the first one when none is marked.' })
  @Optional()
  @IsBoolean()
  primary?: boolean;
}

export class PhoneDto {
  @BoundedString(40, {
    minLength: 3,
    example: '+41 44 668 18 00',
    description: 'Any format; a national number is read in the contact’s country. Stored in E.164.',
    rule: 'a phone number valid in the contact’s country, or an international one',
  })
  @IsPhoneNumberText()
  number!: string;

  @BoundedString(20, {
    optional: true,
    pattern: /^\d+$/,
    example: '43023',
    description: 'Digits dialled after the number answers; may also be written in `number` (`x123`, `ext. 43023`).',
  })
  extension?: string;

  @BoundedString(40, { optional: true, minLength: 1, example: 'mobile' }) label?: string;

  @ApiProperty({ required: false })
  @Optional()
  @IsBoolean()
  primary?: boolean;
}

export class AddressDto {
  @BoundedString(40, { optional: true, minLength: 1 }) label?: string;
  @BoundedStringArray(4, 200, { minItems: 1, minLength: 1, description: 'Street lines.' }) lines!: string[];
  @BoundedString(100, { optional: true, minLength: 1 }) city?: string;
  @BoundedString(100, { optional: true, minLength: 1 }) region?: string;
  @BoundedString(20, { optional: true, minLength: 1 }) postalCode?: string;
  @IsCountryCode()
  @BoundedString(2, { pattern: COUNTRY, description: 'ISO 3166-1 alpha-2.', example: 'CH' })
  country!: string;
}

/** A person's address: any part of it will do (a city alone); without a country it is in the contact's. */
export class ContactAddressDto {
  @BoundedString(40, { optional: true, minLength: 1 }) label?: string;
  @BoundedStringArray(4, 200, { optional: true, minLength: 1, description: 'Street lines.' }) lines?: string[];
  @BoundedString(100, { optional: true, minLength: 1 }) city?: string;
  @BoundedString(100, { optional: true, minLength: 1 }) region?: string;
  @BoundedString(20, { optional: true, minLength: 1 }) postalCode?: string;
  @IsCountryCode()
  @BoundedString(2, {
    optional: true,
    pattern: COUNTRY,
    description: 'ISO 3166-1 alpha-2; the contact’s country when left out.',
    example: 'CH',
  })
  country?: string;
}

/** A custom field value: text, number, boolean or a list of options; checked against the field's declared type. */
function IsCustomFieldValue(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCustomFieldValue',
      validator: {
        validate: (value: unknown) =>
          (typeof value === 'string' && value.length <= 1000) ||
          (typeof value === 'number' && Number.isFinite(value)) ||
          typeof value === 'boolean' ||
          (Array.isArray(value) && value.length <= 50 && value.every((item) => typeof item === 'string' && item.length <= 100)),
        defaultMessage: () => 'value must be text (up to 1000), a number, a boolean, or a list of up to 50 options',
      },
    },
    options,
  );
}

export class CustomFieldValueDto {
  @BoundedString(40, {
    pattern: CAMEL_KEY,
    example: 'preferredProduct',
    description: 'The key of a declared custom field (POST /v1/custom-fields); another is refused.',
  })
  key!: string;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'array', items: { type: 'string' } }],
    description: "Of the field's type: text, a number, a boolean, a date (`YYYY-MM-DD`), one of its options, or a list of them.",
    example: 'Engine',
  })
  @IsCustomFieldValue()
  value!: CustomFieldValue;
}

/** The profile fields a create may set and an update may change. */
class ProfileFieldsDto {
  @BoundedArray(10, EmailDto, {
    optional: true,
    rule: 'at most one primary; the first is primary when none is marked',
    example: [{ address: 'ada@example.com', label: 'work', primary: true }],
  })
  emails?: EmailDto[];
  @BoundedArray(10, PhoneDto, {
    optional: true,
    rule: 'at most one primary; the first is primary when none is marked',
    example: [{ number: '+41 44 668 18 00', label: 'mobile', primary: true }],
  })
  phones?: PhoneDto[];
  @BoundedArray(5, ContactAddressDto, {
    optional: true,
    rule: 'each names a street, city, region or postal code, and has a country or is in the contact’s',
    example: [{ lines: ['Bahnhofstrasse 1'], city: 'Zürich', postalCode: '8001', country: 'CH' }],
  })
  addresses?: ContactAddressDto[];
  @BoundedString(200, { optional: true, minLength: 1, example: 'Analyst' }) jobTitle?: string;
  @BoundedString(35, {
    optional: true,
    minLength: 2,
    example: 'de-CH',
    description: 'BCP 47 language tag.',
    rule: 'a BCP 47 language tag',
  })
  locale?: string;
  @BoundedString(64, {
    optional: true,
    minLength: 1,
    example: 'Europe/Zurich',
    description: 'IANA time zone.',
    rule: 'an IANA time zone name',
  })
  timezone?: string;
  @IsCountryCode()
  @BoundedString(2, { optional: true, pattern: COUNTRY, example: 'CH', description: 'ISO 3166-1 alpha-2.' })
  country?: string;
  @BoundedString(10, { optional: true, pattern: DATE, example: '1990-05-01', rule: 'a past date' }) birthday?: string;
  @BoundedString(100, { optional: true, minLength: 1, example: 'web-form' }) source?: string;
  @BoundedString(35, {
    optional: true,
    minLength: 10,
    example: '2019-04-02T13:45:00Z',
    description:
      'When the system the contact came from created it (an import’s `Create Date`): a date-time, read as UTC without an offset, or a date.',
    rule: 'a date-time or a date, not in the future',
  })
  sourceCreatedAt?: string;

  @ApiProperty({ required: false, enum: LIFECYCLE_STAGES })
  @Optional()
  @IsIn(LIFECYCLE_STAGES)
  lifecycleStage?: LifecycleStage;

  @ApiProperty({ required: false, format: 'uuid', description: 'The user who owns the relationship.' })
  @Optional()
  @IsUuid()
  ownerId?: string;

  @BoundedStringArray(50, 50, { optional: true, pattern: ONE_LINE }) tags?: string[];
  @BoundedArray(50, CustomFieldValueDto, {
    optional: true,
    rule: 'the keys of declared custom fields (POST /v1/custom-fields), each with a value of its type',
    example: [{ key: 'preferredProduct', value: 'Engine' }],
  })
  customFields?: CustomFieldValueDto[];
}

export class CreateContactDto extends ProfileFieldsDto {
  @ApiProperty({ required: false, description: 'Client-chosen UUID, so that a retried create is harmless.', format: 'uuid' })
  @Optional()
  @IsUuid()
  contactId?: string;

  @Nested(PersonNameDto, { optional: true })
  name?: PersonNameDto;
}

export class UpdateContactDto extends ProfileFieldsDto {
  @Nested(PersonNameDto, { optional: true })
  name?: PersonNameDto;

  @ClearList(OPTIONAL_PROFILE_FIELDS)
  clear?: OptionalProfileField[];
}

export class RecordConsentDto {
  @ApiProperty({ enum: CONSENT_CHANNELS }) @IsIn(CONSENT_CHANNELS) channel!: ConsentChannel;
  @ApiProperty({ enum: CONSENT_PURPOSES }) @IsIn(CONSENT_PURPOSES) purpose!: ConsentPurpose;
  @ApiProperty({ enum: ['granted', 'withdrawn'] }) @IsIn(['granted', 'withdrawn']) status!: 'granted' | 'withdrawn';
  @BoundedString(100, { minLength: 1, example: 'web-form', description: 'How it was given or withdrawn.' }) source!: string;

  @ApiProperty({
    required: false,
    description: 'When the person gave or withdrew it; now when absent.',
    example: '2025-01-31T09:30:00Z',
    [OPENAPI_RULE_EXTENSION]: 'not in the future',
  } as ApiPropertyOptions)
  @Optional()
  @IsTimestamp()
  at?: string;
}

export class CompanyLinkDto {
  @BoundedString(100, { optional: true, minLength: 1, example: 'CTO' }) role?: string;
}

documentValidator('isMergeChoices', {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(
    PROFILE_FIELDS.map((field) => [field, { type: 'string', format: 'uuid', pattern: '^[0-9a-f-]{36}$' }]),
  ),
});

export class MergeContactsDto {
  @ApiProperty({
    type: String,
    isArray: true,
    format: 'uuid',
    minItems: 1,
    maxItems: 10,
    description: 'The duplicates to merge in.',
  })
  @IsUuid({ each: true })
  @BoundedStringArray(10, 36, { minItems: 1 })
  duplicateIds!: string[];

  @ApiProperty({
    required: false,
    description: 'Per profile field, the contact (survivor or a duplicate) whose value wins: `{ "name": "<id>" }`.',
  })
  @Optional()
  @ValidateBy({
    name: 'isMergeChoices',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.entries(value).every(
          ([field, id]) => PROFILE_FIELDS.includes(field) && typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id),
        ),
      defaultMessage: () => 'choices maps profile field names to contact ids',
    },
  })
  choices?: Record<string, string>;
}
