import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ContactLinkedToLead, LeadLinkRefused } from '@crm/contracts';
import { InjectRepository, OnEvent, type ReceivedEvent, type RepositoryOf } from '@crm/service-kit';
import { now } from '@crm/platform';
import { dealAggregate, DealAlreadyExists } from '../../domain/deal';
import { awaitsConversion, leadAggregate, type ConversionRequest } from '../../domain/lead';
import { AmountOverflow, UnknownCurrency } from '../../domain/money';
import { InvalidPipelineStages, PipelineNotFound } from '../../domain/pipeline';
import { OpenDeal } from '../commands/deals';

/** What the deal's rules may refuse of a conversion's deal (a pipeline gone since the request): the attempt fails. */
const DEAL_REFUSALS = [PipelineNotFound, InvalidPipelineStages, UnknownCurrency, AmountOverflow];

/**
 * Completes a lead's conversion once contacts answered it (ADR 0020): a linked contact opens the deal the request named
 * and records LeadConverted; a refused link records LeadConversionFailed. Only the attempt the lead awaits is acted
 * on, and every step is a decided append whose repeat decides nothing, so a redelivered reply changes nothing.
 */
@Injectable()
export class CompleteLeadConversions {
  constructor(
    @InjectRepository(leadAggregate) private readonly leads: RepositoryOf<typeof leadAggregate>,
    @InjectRepository(dealAggregate) private readonly deals: RepositoryOf<typeof dealAggregate>,
    private readonly commands: CommandBus,
  ) {}

  @OnEvent(ContactLinkedToLead)
  async linked(event: ReceivedEvent<typeof ContactLinkedToLead>): Promise<void> {
    const { leadId, attempt, contactId, created } = event.data;
    const { state } = await this.leads.load(leadId);
    if (!awaitsConversion(state, attempt) || state.status !== 'converting') return;
    try {
      await this.openDeal(contactId, state.conversion!);
    } catch (error) {
      if (!DEAL_REFUSALS.some((refusal) => error instanceof refusal)) throw error; // transient: the reactor retries
      const detail = `The deal could not open: ${(error as Error).message}`.slice(0, 500);
      await this.leads.handle(leadId, {
        type: 'FailConversion',
        data: { leadId, attempt, reason: 'deal-refused', detail, contactId, now: now() },
      });
      return;
    }
    await this.leads.handle(leadId, {
      type: 'CompleteConversion',
      data: { leadId, attempt, contactId, contactCreated: created, now: now() },
    });
  }

  @OnEvent(LeadLinkRefused)
  async refused(event: ReceivedEvent<typeof LeadLinkRefused>): Promise<void> {
    const { leadId, attempt, contactId, reason } = event.data;
    // A reply to another attempt, or one redelivered after the lead settled (and was maybe erased since), is done.
    if (!awaitsConversion((await this.leads.load(leadId)).state, attempt)) return;
    const detail = reason === 'contact-erased' ? `Contact ${contactId} was erased` : `Contact ${contactId} does not exist`;
    await this.leads.handle(leadId, { type: 'FailConversion', data: { leadId, attempt, reason, detail, now: now() } });
  }

  /** The deal the request named, in its pipeline's first stage; one opened before (a redelivered reply) is the one. */
  private async openDeal(contactId: string, { dealId, pipelineId, deal, ownerId }: ConversionRequest): Promise<void> {
    if ((await this.deals.load(dealId)).state.status !== 'none') return;
    const fields = { title: deal.title, value: deal.amount, ...(ownerId !== undefined && { ownerId }) };
    try {
      await this.commands.execute(new OpenDeal(dealId, contactId, pipelineId, undefined, fields, now()));
    } catch (error) {
      // Opened by a concurrent delivery of the same reply: its id is the lead's.
      if (!(error instanceof DealAlreadyExists)) throw error;
    }
  }
}
