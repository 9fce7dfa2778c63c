// kafkajs 2.2.4 schedules a negative delay (kafkajs#1751): Node takes it as 1 ms and prints a TimeoutNegativeWarning
// once per process. The services log it at debug (libs/platform logging/process-warnings.ts); the tools npm scripts
// run (jest, the bench) turn it off here and in the Node processes they start, which inherit NODE_OPTIONS.
// Every other warning still prints.
const HARMLESS = 'TimeoutNegativeWarning';

function silenceHarmlessWarnings() {
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --disable-warning=${HARMLESS}`.trim();
  // This process started before NODE_OPTIONS said so (jest runs a short list of files in band, in it).
  const [printWarning] = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (warning) => warning.name === HARMLESS || printWarning?.(warning));
}

module.exports = { silenceHarmlessWarnings };
