import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { v5 as uuidv5 } from 'uuid';
import type { DisqualificationReason, LeadCreatedData, LeadPerson, Money } from '@crm/contracts';
import type { IdempotencyStore } from '@crm/idempotency';
import { IDEMPOTENCY_STORE } from '@crm/idempotency/nest';
import type { PersonalDataVault } from '@crm/privacy';
import { PERSONAL_DATA_VAULT } from '@crm/privacy/nest';
import { InjectRepository, type RepositoryOf, type Written } from '@crm/service-kit';
import { leadAggregate, leadDecider, LeadNotFound, type LeadCommand } from '../../domain/lead';
import { pipelineAggregate } from '../../domain/pipeline';
import { writtenLead, type LeadView } from '../sales-views';

// Fixed: a lead names the same deal in every environment (and in no other UUIDv5 namespace of the code).
const DEAL_OF_LEAD_NAMESPACE = '8a0b7a3e-5f0c-4d1e-9a57-2f3c6b8d4e01';

/** The deal a lead's conversion opens: one per lead, however often the conversion is asked or its steps run (ADR 0020). */
export const dealIdOfLead = (leadId: string): string => uuidv5(`deal-of-lead:${leadId}`, DEAL_OF_LEAD_NAMESPACE);

/** The pipeline a conversion names does not exist: the deal could not open. */
export class ConversionPipelineNotFound extends Error {
  override readonly name = 'ConversionPipelineNotFound';
  constructor(readonly pipelineId: string) {
    super(`Pipeline ${pipelineId} does not exist: the lead’s deal cannot open in it`);
  }
}

export type NewLead = Omit<LeadCreatedData, 'leadId' | 'at'>;

export class CreateLead extends Command<Written<LeadView>> {
  constructor(
    readonly leadId: string,
    readonly lead: NewLead,
    readonly now: string,
  ) {
    super();
  }
}

export class QualifyLead extends Command<Written<LeadView>> {
  constructor(
    readonly leadId: string,
    readonly now: string,
    readonly expectedRevision?: number,
  ) {
    super();
  }
}

export class DisqualifyLead extends Command<Written<LeadView>> {
  constructor(
    readonly leadId: string,
    readonly reason: DisqualificationReason,
    readonly note: string | undefined,
    readonly now: string,
    readonly expectedRevision?: number,
  ) {
    super();
  }
}

export class AssignLeadOwner extends Command<Written<LeadView>> {
  constructor(
    readonly leadId: string,
    readonly ownerId: string,
    readonly now: string,
    readonly expectedRevision?: number,
  ) {
    super();
  }
}

export interface ConversionAsked {
  pipelineId: string;
  title: string;
  value: Money;
  contactId?: string;
  ownerId?: string;
}

/** Asks for a conversion (ADR 0020): answered at once with the lead converting; contacts and the deal follow. */
export class ConvertLead extends Command<Written<LeadView>> {
  constructor(
    readonly leadId: string,
    readonly asked: ConversionAsked,
    readonly now: string,
    readonly expectedRevision?: number,
  ) {
    super();
  }
}

/** Erases the personal data of a lead that never became a contact (GDPR); repeating it finishes it. */
export class EraseLead extends Command<void> {
  constructor(
    readonly leadId: string,
    readonly now: string,
  ) {
    super();
  }
}

/** The person as the lead keeps it: plain data (a request's DTOs are class instances), trimmed, e-mail in lower case. */
function normalizedPerson({ name, email, phone }: LeadPerson): LeadPerson {
  return {
    name: { given: name.given.trim(), family: name.family.trim() },
    ...(email !== undefined && { email: email.trim().toLowerCase() }),
    ...(phone !== undefined && { phone }),
  };
}

/** What a lead's stream is changed with: its repository, and the view of the result. */
abstract class LeadCommandHandler {
  constructor(@InjectRepository(leadAggregate) protected readonly leads: RepositoryOf<typeof leadAggregate>) {}

  protected async run(leadId: string, command: LeadCommand, expectedRevision?: number): Promise<Written<LeadView>> {
    return writtenLead(leadId, await this.leads.handle(leadId, command, { expectedRevision }));
  }
}

@CommandHandler(CreateLead)
export class CreateLeadHandler extends LeadCommandHandler implements ICommandHandler<CreateLead> {
  async execute({ leadId, lead, now }: CreateLead): Promise<Written<LeadView>> {
    const { person, companyName, notes, ...rest } = lead;
    const data = {
      ...rest,
      leadId,
      person: normalizedPerson(person),
      ...(companyName !== undefined && { companyName: companyName.trim() }),
      ...(notes !== undefined && { notes: notes.trim() }),
      now,
    };
    // The lead's subject key is made with its first append (ADR 0018): a fresh id is appended without a read first.
    const result = await this.leads.handle(leadId, { type: 'CreateLead', data }, { expectNew: true });
    return writtenLead(leadId, result);
  }
}

@CommandHandler(QualifyLead)
export class QualifyLeadHandler extends LeadCommandHandler implements ICommandHandler<QualifyLead> {
  execute({ leadId, now, expectedRevision }: QualifyLead): Promise<Written<LeadView>> {
    return this.run(leadId, { type: 'QualifyLead', data: { leadId, now } }, expectedRevision);
  }
}

@CommandHandler(DisqualifyLead)
export class DisqualifyLeadHandler extends LeadCommandHandler implements ICommandHandler<DisqualifyLead> {
  execute({ leadId, reason, note, now, expectedRevision }: DisqualifyLead): Promise<Written<LeadView>> {
    const data = { leadId, reason, ...(note !== undefined && { note: note.trim() }), now };
    return this.run(leadId, { type: 'DisqualifyLead', data }, expectedRevision);
  }
}

@CommandHandler(AssignLeadOwner)
export class AssignLeadOwnerHandler extends LeadCommandHandler implements ICommandHandler<AssignLeadOwner> {
  execute({ leadId, ownerId, now, expectedRevision }: AssignLeadOwner): Promise<Written<LeadView>> {
    return this.run(leadId, { type: 'AssignLeadOwner', data: { leadId, ownerId, now } }, expectedRevision);
  }
}

/**
 * Checks what sales can check at once (the pipeline exists: a pipeline always has a stage a deal can enter), then
 * records the request; the reactions of contacts and of sales (CompleteLeadConversions) do the rest.
 */
@CommandHandler(ConvertLead)
export class ConvertLeadHandler extends LeadCommandHandler implements ICommandHandler<ConvertLead> {
  constructor(
    @InjectRepository(leadAggregate) leads: RepositoryOf<typeof leadAggregate>,
    @InjectRepository(pipelineAggregate) private readonly pipelines: RepositoryOf<typeof pipelineAggregate>,
  ) {
    super(leads);
  }

  async execute({ leadId, asked, now, expectedRevision }: ConvertLead): Promise<Written<LeadView>> {
    const { pipelineId, title, value, contactId, ownerId } = asked;
    const { state } = await this.pipelines.load(pipelineId);
    if (state.status === 'none') throw new ConversionPipelineNotFound(pipelineId);
    const deal = { title: title.trim(), amount: { amountMinor: value.amountMinor, currency: value.currency } };
    const data = {
      leadId,
      pipelineId,
      dealId: dealIdOfLead(leadId),
      deal,
      ...(contactId !== undefined && { contactId }),
      ...(ownerId !== undefined && { ownerId }),
      now,
    };
    return this.run(leadId, { type: 'ConvertLead', data }, expectedRevision);
  }
}

/**
 * The key first (nothing of the person can be read from then on, stored Idempotency-Key responses included, which are
 * then forgotten), then LeadErased. What the lead refuses (a conversion in flight, a contact the person is now) is
 * asked of it before the key goes: sales never deletes a key that a contact uses.
 */
@CommandHandler(EraseLead)
export class EraseLeadHandler implements ICommandHandler<EraseLead> {
  constructor(
    @InjectRepository(leadAggregate) private readonly leads: RepositoryOf<typeof leadAggregate>,
    @Inject(PERSONAL_DATA_VAULT) private readonly vault: PersonalDataVault,
    @Inject(IDEMPOTENCY_STORE) private readonly idempotency: IdempotencyStore,
  ) {}

  async execute({ leadId, now }: EraseLead): Promise<void> {
    const command: LeadCommand = { type: 'EraseLead', data: { leadId, now } };
    const { state } = await this.leads.load(leadId);
    if (state.status === 'none') throw new LeadNotFound(leadId);
    if (leadDecider.decide(command, state).length === 0) return;
    await this.vault.erase(leadId);
    await this.idempotency.forgetSubject(leadId);
    // A conversion asked meanwhile finds the person erased and is refused; this append then decides as before.
    await this.leads.handle(leadId, command);
  }
}
