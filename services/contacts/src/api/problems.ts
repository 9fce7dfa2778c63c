import { applyDecorators } from '@nestjs/common';
import { registerProblem, RequestValidationError } from '@crm/platform';
import { ApiProblemResponse } from '@crm/platform/nest';
import { CompanyAlreadyExists, CompanyArchivedError, CompanyNotFound, InvalidCompanyData } from '../domain/company';
import {
  ContactAlreadyExists,
  ContactArchivedError,
  ContactErasedError,
  ContactMergedError,
  ContactNotFound,
  ContactWithoutIdentity,
  MergeNotFound,
  MergeNotPossible,
} from '../domain/contact';
import { InvalidContactData } from '../domain/contact-values';
import { CustomFieldTypeChange, InvalidCustomFieldDefinition } from '../domain/custom-fields';
import { ExternalIdTaken } from '../domain/interaction';

/** The one place contacts' domain errors become RFC 9457 problems. */
export function registerContactProblems(): void {
  registerProblem(ContactNotFound, { status: 404, type: 'contact-not-found', title: 'Contact not found' });
  registerProblem(ContactAlreadyExists, { status: 409, type: 'contact-already-exists', title: 'Contact already exists' });
  registerProblem(ContactArchivedError, { status: 409, type: 'contact-archived', title: 'Contact is archived' });
  registerProblem(ContactErasedError, { status: 410, type: 'contact-erased', title: 'Contact was erased' });
  registerProblem(ContactMergedError, (error) => ({
    status: 409,
    type: 'contact-merged',
    title: 'Contact was merged into another',
    detail: error.message,
    extensions: { survivorId: error.survivorId },
  }));
  registerProblem(MergeNotPossible, { status: 422, type: 'merge-not-possible', title: 'These contacts cannot be merged' });
  registerProblem(MergeNotFound, { status: 404, type: 'merge-not-found', title: 'Merge not found' });
  registerProblem(InvalidContactData, (error) => ({
    status: 400,
    type: 'validation',
    title: 'The request is invalid',
    detail: `${error.problems.length} ${error.problems.length === 1 ? 'value breaks' : 'values break'} the contact rules; see errors.`,
    errors: error.problems.map((p) => ({ field: p.field, messages: [p.message], in: 'body' as const })),
  }));
  registerProblem(ContactWithoutIdentity, (error) => ({
    status: 422,
    type: 'contact-without-identity',
    title: 'A contact needs a name, an e-mail address or a phone number',
    detail: 'The contact would have none of them; see errors.',
    errors: [{ field: error.problem.field, messages: [error.problem.message], in: 'body' as const }],
  }));
  registerProblem(ExternalIdTaken, {
    status: 409,
    type: 'interaction-external-id-taken',
    title: 'The external id belongs to an interaction with another contact',
  });
  registerProblem(CompanyNotFound, { status: 404, type: 'company-not-found', title: 'Company not found' });
  registerProblem(CompanyAlreadyExists, { status: 409, type: 'company-already-exists', title: 'Company already exists' });
  registerProblem(CompanyArchivedError, { status: 409, type: 'company-archived', title: 'Company is archived' });
  registerProblem(
    InvalidCompanyData,
    (error) => new RequestValidationError(error.errors.map((e) => ({ ...e, in: 'body' as const }))).problem,
  );
  registerProblem(CustomFieldTypeChange, {
    status: 409,
    type: 'custom-field-type-change',
    title: 'A custom field’s type cannot change',
  });
  registerProblem(InvalidCustomFieldDefinition, { status: 422, type: 'invalid-custom-field', title: 'Invalid custom field' });
}

/** The problems of a route about one contact, for its OpenAPI document: 404 and 410, and a write's 409. */
export const ApiContactProblems = ({ writes = false } = {}) =>
  applyDecorators(
    ApiProblemResponse(404, 'No contact (or company, or merge) has this id'),
    ApiProblemResponse(410, 'The contact was erased'),
    ...(writes
      ? [
          ApiProblemResponse(
            409,
            'The contact is archived, or merged into another (`survivorId` names it), or another request changed it at the same moment',
          ),
        ]
      : []),
  );
