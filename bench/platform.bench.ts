import { Body, Controller, Get, HttpCode, Module, Post, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { IsIn, IsString, MaxLength, ValidateNested, IsArray, ArrayMaxSize } from 'class-validator';
import { Type } from 'class-transformer';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_JWT_SECRET, httpConfigSpec, issueToken, loadConfig } from '@crm/platform';
import { createHttpService, Public } from '@crm/platform/nest';
import { cannon, Child, freePort, waitForHealth } from './crm';
import { compare, recordRatio, recordTarget, report, type Measurement } from './harness';
import { CpuMeter } from './proc';

/**
 * Platform overhead (issue 14): the platform's request pipeline with a canned handler against bare Nest on the same
 * HTTP adapter, in the same run, each server in a child process of its own.
 *
 * "platform": the application as a service gets it, built by `createHttpService` (PlatformModule and
 * `configureHttpApp`: correlation, request log at LOG_LEVEL info to a file, metrics, the method and media-type
 * checks, the JSON parser, JWT authentication, the unsafe-key and query guards, the validation pipe, problem
 * mapping, OpenAPI set up). "bare": `NestFactory.create` of a module with the same controller, on the adapter the
 * platform application reported (Express or Fastify), its default body parser, nothing else. Both answer
 * POST /v1/things with the same canned 201 body; the body sent is a small contact-like DTO (strings, an enum, an
 * array of nested objects) that the platform validates and the bare server only parses.
 *
 * Each server is warmed up, then driven by autocannon (in this process) for SECONDS with CONNECTIONS connections,
 * the bare one first; the server's CPU (utime + stime from /proc/<pid>/stat) over the phase gives µs per request.
 * The target is the requests/s ratio; the CPU ratio (bare µs ÷ platform µs) is printed beside it, as it depends
 * less on what else the machine is doing.
 */
const SECONDS = Number(process.env.BENCH_PLATFORM_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_PLATFORM_CONNECTIONS ?? 16);
const WARMUP_SECONDS = Number(process.env.BENCH_PLATFORM_WARMUP_SECONDS ?? 3);
const TARGET = 0.5;
const CANNED = { id: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40', revision: 0 };

class ThingPartDto {
  @IsString() @MaxLength(254) address!: string;
}

class ThingDto {
  @IsString() @MaxLength(200) given!: string;
  @IsString() @MaxLength(200) family!: string;
  @IsIn(['lead', 'customer']) stage!: string;
  @IsArray() @ArrayMaxSize(10) @ValidateNested({ each: true }) @Type(() => ThingPartDto) emails!: ThingPartDto[];
}

/** Set by the server at start: the HTTP adapter Nest runs on ('express', 'fastify'). */
let adapterType = '';

@Controller('v1/things')
class ThingsController {
  // Tells the parent the server is up, and on which adapter (for the bare server to use the same).
  @Get('ready')
  @Public()
  ready(): { adapter: string } {
    return { adapter: adapterType };
  }

  @Post()
  @HttpCode(201)
  create(@Body() body: ThingDto): typeof CANNED {
    void body;
    return CANNED;
  }
}

@Module({ controllers: [ThingsController] })
class ThingsModule {}

const thing = (n: number) => ({
  given: 'Ada',
  family: `Lovelace ${n}`,
  stage: n % 2 ? 'lead' : 'customer',
  emails: [{ address: `ada.${n}@example.com` }],
});

export async function platformBenchmark(): Promise<void> {
  const logDir = mkdtempSync(join(tmpdir(), 'bench-platform-'));
  const token = issueToken({ sub: 'bench', roles: ['admin'] }, DEV_JWT_SECRET, '2h');
  const children: Child[] = [];
  let succeeded = false;
  try {
    const start = async (mode: 'platform' | 'bare', adapter?: string) => {
      const port = await freePort();
      const child = Child.start(
        mode,
        [__filename, 'server', mode],
        {
          PATH: process.env.PATH,
          NODE_ENV: 'development',
          JWT_SECRET: DEV_JWT_SECRET,
          LOG_LEVEL: 'info',
          PORT: String(port),
          BENCH_ADAPTER: adapter ?? '',
        },
        logDir,
      );
      children.push(child);
      const url = `http://127.0.0.1:${port}`;
      await waitForHealth(child, `${url}/v1/things/ready`);
      const ready = (await (await fetch(`${url}/v1/things/ready`)).json()) as { adapter: string };
      return { child, url, adapter: ready.adapter };
    };
    const platform = await start('platform');
    const bare = await start('bare', platform.adapter);
    console.log(`platform bench: ${SECONDS} s per server, ${CONNECTIONS} connections, adapter ${platform.adapter}`);

    const drive = async (name: string, server: { child: Child; url: string }, seconds: number) => {
      const meter = new CpuMeter({ server: server.child.process.pid! });
      meter.start();
      const request = (n: number) => ({ method: 'POST', path: '/v1/things', body: thing(n) });
      const phase = await cannon(name, server.url, token, request, undefined, seconds, CONNECTIONS);
      const { cpuSeconds } = meter.stop();
      const failed = phase.result.non2xx + phase.result.errors + phase.result.timeouts;
      if (failed > 0) throw new Error(`${name}: ${failed} failed request(s): ${JSON.stringify(phase.result.statusCodeStats)}`);
      return { ...phase, cpuMicrosPerRequest: (cpuSeconds.server * 1e6) / Math.max(1, phase.result['2xx']) };
    };
    await drive('warm-up', bare, WARMUP_SECONDS);
    await drive('warm-up', platform, WARMUP_SECONDS);
    const bareRun = await drive(`bare Nest (${platform.adapter})`, bare, SECONDS);
    const platformRun = await drive(`platform pipeline (${platform.adapter})`, platform, SECONDS);

    const cpuRatio = bareRun.cpuMicrosPerRequest / platformRun.cpuMicrosPerRequest;
    const comparison = recordRatio(compare(platformRun.measurement, bareRun.measurement, TARGET), 'about 0.11 on Express');
    recordTarget({
      target: 'platform overhead, server CPU: bare µs/request ÷ platform µs/request >= 0.5 (informative)',
      figure: `${cpuRatio.toFixed(2)} (${Math.round(platformRun.cpuMicrosPerRequest)} vs ${Math.round(bareRun.cpuMicrosPerRequest)} µs)`,
      baseline: 'before: 723-821 µs vs 174-210 µs on Express',
      met: cpuRatio >= TARGET,
    });
    const cpu = (m: Measurement, micros: number) => ({
      requestsPerSecond: Math.round(m.perSecond),
      cpuMicrosPerRequest: Math.round(micros),
    });
    report(
      'platform (platform pipeline vs bare Nest, canned handler)',
      [comparison],
      {
        adapter: platform.adapter,
        settings: { seconds: SECONDS, connections: CONNECTIONS },
        serverCpu: {
          platform: cpu(platformRun.measurement, platformRun.cpuMicrosPerRequest),
          bare: cpu(bareRun.measurement, bareRun.cpuMicrosPerRequest),
          ratio: Number(cpuRatio.toFixed(2)),
        },
        loadAverage: loadavg().map((load) => Number(load.toFixed(2))),
      },
      { unit: 'requests' },
    );
    succeeded = true;
  } finally {
    await Promise.all(children.map((child) => child.stop()));
    if (succeeded) rmSync(logDir, { recursive: true, force: true });
    else console.error(`Server logs: ${logDir}`);
  }
}

/** A benchmark server (`node platform.bench.js server platform|bare`); GET /ready names its adapter. */
async function server(mode: string): Promise<void> {
  let app: INestApplication;
  if (mode === 'platform') {
    const config = loadConfig(httpConfigSpec);
    app = await createHttpService({ name: 'bench-platform', config, module: () => ThingsModule });
  } else if (process.env.BENCH_ADAPTER === 'fastify') {
    // Only when the platform runs on Fastify, so the package need not be there otherwise.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { FastifyAdapter } = require('@nestjs/platform-fastify') as { FastifyAdapter: new () => never };
    app = await NestFactory.create(ThingsModule, new FastifyAdapter(), { logger: false });
  } else {
    app = await NestFactory.create(ThingsModule, { logger: false });
  }
  adapterType = app.getHttpAdapter().getType();
  await app.listen(Number(process.env.PORT), '127.0.0.1');
  const stop = () => void app.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (require.main === module && process.argv[2] === 'server') {
  server(process.argv[3]).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
