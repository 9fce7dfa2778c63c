import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { COMPANY_SIZES, type CompanySize } from '@crm/contracts';
import { BoundedArray, BoundedString, BoundedStringArray, ClearList, IsUuid, Optional } from '@crm/platform/nest';
import { AddressDto } from './contact.dto';

// The inputs of the companies' commands, for the API and the import alike.

class CompanyFieldsDto {
  @BoundedStringArray(20, 253, {
    optional: true,
    description: 'Internet domains: `example.com`.',
    rule: 'internet domains',
    example: ['analytical-engines.example'],
  })
  domains?: string[];
  @BoundedString(100, { optional: true, minLength: 1, example: 'Machinery' }) industry?: string;

  @ApiProperty({ required: false, enum: COMPANY_SIZES, description: 'Number of employees.' })
  @Optional()
  @IsIn(COMPANY_SIZES)
  size?: CompanySize;

  @BoundedArray(10, AddressDto, { optional: true }) addresses?: AddressDto[];
}

export class CreateCompanyDto extends CompanyFieldsDto {
  @ApiProperty({ required: false, format: 'uuid', description: 'Client-chosen UUID, so that a retried create is harmless.' })
  @Optional()
  @IsUuid()
  companyId?: string;

  // Trimmed when stored: blank is no name.
  @BoundedString(200, { minLength: 1, pattern: /\S/, example: 'Analytical Engines Ltd' }) name!: string;
}

export class UpdateCompanyDto extends CompanyFieldsDto {
  @BoundedString(200, { optional: true, minLength: 1, pattern: /\S/ }) name?: string;

  @ClearList(['industry', 'size'], { maxLength: 10 })
  clear?: ('industry' | 'size')[];
}
