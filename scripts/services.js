#!/usr/bin/env node
// deploy/services.json is the one list of the services that run: `npm start`, the tests, docker-compose.yml and
// nest-cli.json all follow it. `node scripts/services.js sync` rewrites the application services of
// docker-compose.yml and the projects of nest-cli.json from it (and libs/); `check` says what is out of step (the
// unit tests run it).
const { readdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const services = require('../deploy/services.json');

/** The compiled entry of a service (npm run build). */
const mainOf = (name) => join(ROOT, `dist/services/${name}/src/main.js`);

const BEGIN = '  # >>> application services: generated from deploy/services.json by `node scripts/services.js sync`';
const END = '  # <<< application services';

/** One container per service, from the one Dockerfile; each waits itself for what it needs (topics, key table). */
function composeBlock() {
  const blocks = Object.entries(services).map(
    ([name, { port }]) => `  ${name}:
    build:
      context: .
      dockerfile: deploy/Dockerfile
      args:
        SERVICE: ${name}
    restart: unless-stopped
    environment:
      <<: *crm-env
    depends_on: *crm-infra
    ports:
      - '127.0.0.1:${port}:3000'`,
  );
  return [BEGIN, ...blocks.flatMap((block) => [block, '']), END].join('\n');
}

function composeFile() {
  const text = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`docker-compose.yml lacks the markers of its generated block:\n${BEGIN}\n${END}`);
  return text.slice(0, begin) + composeBlock() + text.slice(end + END.length);
}

function nestCliFile() {
  const project = (type, root, entryFile) => ({ type, root, entryFile, sourceRoot: `${root}/src` });
  const projects = Object.fromEntries([
    ...Object.keys(services).map((name) => [name, project('application', `services/${name}`, 'main')]),
    ...readdirSync(join(ROOT, 'libs'))
      .sort()
      .map((lib) => [lib, project('library', `libs/${lib}`, 'index')]),
  ]);
  const [first] = Object.keys(services);
  const cli = {
    $schema: 'https://json.schemastore.org/nest-cli',
    collection: '@nestjs/schematics',
    monorepo: true,
    root: `services/${first}`,
    sourceRoot: `services/${first}/src`,
    compilerOptions: { builder: 'swc', typeCheck: false, tsConfigPath: 'tsconfig.json' },
    projects,
  };
  return `${JSON.stringify(cli, null, 2)}\n`;
}

const generated = () => [
  ['docker-compose.yml', composeFile()],
  ['nest-cli.json', nestCliFile()],
];

/** The files that differ from what deploy/services.json (and libs/) imply. */
function outOfStep() {
  return generated()
    .filter(([file, text]) => readFileSync(join(ROOT, file), 'utf8') !== text)
    .map(([file]) => file);
}

if (require.main === module) {
  const command = process.argv[2];
  if (command === 'sync') {
    for (const [file, text] of generated()) writeFileSync(join(ROOT, file), text);
  } else if (command === 'check') {
    const stale = outOfStep();
    if (stale.length > 0) {
      process.stderr.write(`Out of step with deploy/services.json: ${stale.join(', ')}. Run: node scripts/services.js sync\n`);
      process.exit(1);
    }
  } else {
    process.stderr.write('Usage: node scripts/services.js sync|check\n');
    process.exit(2);
  }
}

module.exports = { mainOf, outOfStep, services };
