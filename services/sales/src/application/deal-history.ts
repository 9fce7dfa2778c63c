import type { DealEvent } from '@crm/contracts';
import type { HistoryEntry } from '@crm/service-kit';

/** One stay of a deal in a stage, with the time spent there (so far, for the stay it is in). */
export interface StageTime {
  stageId: string;
  /** The stage's name now (a pipeline keeps every stage it had, retired ones too). */
  name?: string;
  enteredAt: string;
  /** When it moved on, was won or lost; absent while it is there. */
  leftAt?: string;
  /** From entering to leaving, or to now for the current stay. */
  durationMs: number;
}

/** A deal's history: every change, and the time it spent in each stage. */
export interface DealHistory {
  items: HistoryEntry[];
  stages: StageTime[];
}

/**
 * The deal's stays in stages from its events, by their business time (`at`): entered when opened, moved or reopened;
 * left when moved, won or lost. `now` ends the current stay's duration; `names` are the stages' names by id.
 */
export function stageTimes(events: readonly DealEvent[], names: ReadonlyMap<string, string>, now: string): StageTime[] {
  const stays: Omit<StageTime, 'durationMs'>[] = [];
  const leave = (at: string) => {
    const current = stays.at(-1);
    if (current && current.leftAt === undefined) current.leftAt = at;
  };
  const enter = (stageId: string, at: string) => {
    leave(at);
    const name = names.get(stageId);
    stays.push({ stageId, ...(name !== undefined && { name }), enteredAt: at });
  };
  for (const event of events) {
    switch (event.type) {
      case 'DealOpened':
      case 'DealReopened':
        enter(event.data.stageId, event.data.at);
        break;
      case 'DealStageChanged':
        enter(event.data.toStageId, event.data.at);
        break;
      case 'DealWon':
      case 'DealLost':
        leave(event.data.at);
        break;
    }
  }
  return stays.map((stay) => ({ ...stay, durationMs: Date.parse(stay.leftAt ?? now) - Date.parse(stay.enteredAt) }));
}
