const { existsSync, readdirSync } = require('node:fs');
const { join } = require('node:path');
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
