export {
  componentLogger,
  KAFKA,
  KafkaModule,
  PREPARE_FOR_PUBLISHING,
  RelayModule,
  type PrepareForPublishing,
  type RelayOptions,
} from './messaging.module';
