const { existsSync, readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { parse } = require('yaml');
const { outOfStep, services } = require('./services');

describe('deploy/services.json, the one list of services', () => {
  it('holds every service of services/, each with its main.ts, and only those', () => {
    const directories = readdirSync(join(__dirname, '../services')).sort();
    expect(Object.keys(services).sort()).toEqual(directories);
    for (const name of directories) expect(existsSync(join(__dirname, `../services/${name}/src/main.ts`))).toBe(true);
  });

  it('gives each a port of its own', () => {
    const ports = Object.values(services).map(({ port }) => port);
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('is what docker-compose.yml and nest-cli.json say (else: node scripts/services.js sync)', () => {
    expect(outOfStep()).toEqual([]);
  });
});

describe('the containers', () => {
  const read = (file) => readFileSync(join(__dirname, '..', file), 'utf8');

  it('listen on every interface of their own, as production (which refuses the public development secrets)', () => {
    const env = read('deploy/Dockerfile')
      .split('\n')
      .filter((line) => line.startsWith('ENV '))
      .flatMap((line) => line.slice(4).trim().split(/\s+/));
    expect(env).toEqual(expect.arrayContaining(['NODE_ENV=production', 'HOST=0.0.0.0']));
  });

  it('are given JWT_SECRET and PII_MASTER_KEY from the environment, and compose stops without them', () => {
    const compose = parse(read('docker-compose.yml'), { merge: true });
    for (const name of Object.keys(services)) {
      const { environment } = compose.services[name];
      expect(environment.JWT_SECRET).toMatch(/^\$\{JWT_SECRET:\?/);
      expect(environment.PII_MASTER_KEY).toMatch(/^\$\{PII_MASTER_KEY:\?/);
    }
  });
});
