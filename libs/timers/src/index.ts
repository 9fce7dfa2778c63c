export * from './timer-store';
export * from './timer-scheduler';
export { timerEventId } from './timer-effect-ids';
export { DEFAULT_RETRY, type RetryPolicy } from './retry-delay';
