export {
  EVENT_DECODER,
  READ_MODELS,
  ReadModelsModule,
  readModelConnectionOptions,
  SERVER_SELECTION_TIMEOUT_MS,
  type ReadModelsOptions,
} from './read-models.module';
