export * from './cloud-event';
export * from './kafka';
export * from './checkpoint-store';
export * from './postgres-lease';
export * from './relay';
export * from './consumer';
export * from './metrics';
export * from './decoder';
