// Imported first by main.ts: tracing must be started before what it instruments (pg, mongodb) is loaded.
import { startTracing } from '@crm/platform/telemetry/tracing';

startTracing('analytics');
