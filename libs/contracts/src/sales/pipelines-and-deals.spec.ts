import { ContractRegistry } from '../registry';
import { DealOpened, DealUpdated } from './deal';
import { PipelineCreated, PipelineStagesChanged } from './pipeline';
import { dealStreamContracts, pipelineStreamContracts } from '.';

// Building a registry checks every example against its schema.
const registry = new ContractRegistry({ contracts: [...pipelineStreamContracts, ...dealStreamContracts] });
const problems = (name: string, data: unknown) => registry.validate(name, data).map((v) => `${v.path} ${v.keyword}`);

describe('pipeline contracts', () => {
  it('concern no customer: no Kafka key of a customer, not on the timeline, no personal data', () => {
    for (const contract of pipelineStreamContracts) {
      expect(contract.service).toBe('sales');
      expect(contract.customerIdField).toBeUndefined();
      expect(contract.timeline).toBeUndefined();
      expect(contract.pii).toEqual([]);
    }
  });

  it('take 1 to 50 stages at creation, each with a whole percent and whole rotting days', () => {
    const stage = PipelineCreated.example.stages[0];
    const created = (stages: unknown[]) => ({ ...PipelineCreated.example, stages });
    expect(problems('PipelineCreated', created([]))).toEqual(['/stages minItems']);
    expect(problems('PipelineCreated', created(Array.from({ length: 51 }, () => stage)))).toEqual(['/stages maxItems']);
    expect(problems('PipelineCreated', created([{ ...stage, winProbability: 101 }]))).toEqual([
      '/stages/0/winProbability maximum',
    ]);
    expect(problems('PipelineCreated', created([{ ...stage, winProbability: 12.5 }]))).toEqual(['/stages/0/winProbability type']);
    expect(problems('PipelineCreated', created([{ ...stage, rottingDays: 0 }]))).toEqual(['/stages/0/rottingDays minimum']);
    expect(problems('PipelineCreated', created([{ ...stage, rottingDays: 3651 }]))).toEqual(['/stages/0/rottingDays maximum']);
  });

  it('mark a stage retired only in a changed list, never at creation', () => {
    const retired = { ...PipelineCreated.example.stages[0], retired: true };
    expect(problems('PipelineCreated', { ...PipelineCreated.example, stages: [retired] })).toEqual([
      '/stages/0/retired additionalProperties',
    ]);
    expect(problems('PipelineStagesChanged', PipelineStagesChanged.example)).toEqual([]);
    expect(
      problems('PipelineStagesChanged', { ...PipelineStagesChanged.example, stages: [{ ...retired, retired: false }] }),
    ).toEqual(['/stages/0/retired const']);
  });
});

describe('deal contracts', () => {
  it('are keyed by the contact and shown on the timeline under sales, without personal data', () => {
    const shown = Object.fromEntries(
      dealStreamContracts.map((c) => [c.name, `${c.customerIdField} ${c.timeline?.category}: ${c.timeline?.title}`]),
    );
    expect(shown).toEqual({
      DealOpened: 'contactId sales: Deal opened',
      DealUpdated: 'contactId sales: Deal updated',
      DealStageChanged: 'contactId sales: Deal moved to another stage',
      DealWon: 'contactId sales: Deal won',
      DealLost: 'contactId sales: Deal lost',
      DealReopened: 'contactId sales: Deal reopened',
      DealRotted: 'contactId sales: Deal rotting',
    });
    expect(dealStreamContracts.flatMap((c) => c.pii)).toEqual([]);
  });

  it('hold money as whole minor units of an ISO 4217 code', () => {
    const opened = (value: unknown) => ({ ...DealOpened.example, value });
    expect(problems('DealOpened', opened({ amountMinor: 12.5, currency: 'EUR' }))).toEqual(['/value/amountMinor type']);
    expect(problems('DealOpened', opened({ amountMinor: -1, currency: 'EUR' }))).toEqual(['/value/amountMinor minimum']);
    expect(problems('DealOpened', opened({ amountMinor: 2 ** 53, currency: 'EUR' }))).toEqual(['/value/amountMinor maximum']);
    expect(problems('DealOpened', opened({ amountMinor: 100, currency: 'eur' }))).toEqual(['/value/currency pattern']);
  });

  it('take an expected close date as a calendar date', () => {
    const closing = (expectedCloseDate: string) => ({ ...DealOpened.example, expectedCloseDate });
    expect(problems('DealOpened', closing('2025-02-28'))).toEqual([]);
    expect(problems('DealOpened', closing('2025-02-30'))).toEqual(['/expectedCloseDate format']);
    expect(problems('DealOpened', closing('2025-02-28T10:00:00Z'))).toEqual([
      '/expectedCloseDate maxLength',
      '/expectedCloseDate format',
    ]);
  });

  it('open a deal without company, owner or close date, and clear only those', () => {
    const { companyId: _c, ownerId: _o, expectedCloseDate: _d, ...bare } = DealOpened.example;
    expect(problems('DealOpened', bare)).toEqual([]);
    expect(problems('DealUpdated', { ...DealUpdated.example, cleared: ['title'] })).toEqual(['/cleared/0 enum']);
    expect(problems('DealUpdated', { ...DealUpdated.example, changes: { stageId: DealOpened.example.stageId } })).toEqual([
      '/changes/stageId additionalProperties',
    ]);
  });
});
