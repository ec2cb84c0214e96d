/** No Docker engine runs here, so the compose file's structure is checked instead. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/shared/search-attributes';

const root = path.resolve(import.meta.dirname, '../..');
type Service = {
  image?: string;
  build?: unknown;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  command?: string[] | string;
  volumes?: string[];
  healthcheck?: unknown;
  deploy?: { replicas?: number };
};
const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const { services } = compose;

describe('docker-compose.yml', () => {
  it('has PostgreSQL, the Temporal schema job and server, the UI, search attributes, migrations and workers', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'migrate',
        'postgres',
        'temporal',
        'temporal-schema',
        'temporal-search-attributes',
        'temporal-ui',
        'worker',
      ].sort(),
    );
  });

  it('pins every image to a version', () => {
    for (const [name, s] of Object.entries(services)) {
      if (s.build) continue;
      expect(s.image, name).toMatch(/^[\w./-]+:\d[\w.-]*$/);
    }
  });

  it('keeps PostgreSQL data in a named volume and health-checks the servers', () => {
    expect(services.postgres?.volumes).toEqual(['postgres-data:/var/lib/postgresql/data']);
    expect(Object.keys(compose.volumes)).toContain('postgres-data');
    expect(services.postgres?.healthcheck).toBeTruthy();
    expect(services.temporal?.healthcheck).toBeTruthy();
  });

  it('points the worker at the compose Temporal and PostgreSQL, after schema, attributes and migrations', () => {
    const worker = services.worker!;
    expect(worker.build).toBe('.');
    expect(worker.environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(new URL(worker.environment!.DATABASE_URL!).host).toBe('postgres:5432');
    expect(services.migrate?.environment?.DATABASE_URL).toBe(worker.environment?.DATABASE_URL);
    expect(worker.depends_on).toEqual({
      temporal: { condition: 'service_healthy' },
      'temporal-search-attributes': { condition: 'service_completed_successfully' },
      migrate: { condition: 'service_completed_successfully' },
    });
    expect(services.temporal?.depends_on).toEqual({
      'temporal-schema': { condition: 'service_completed_successfully' },
    });
    expect(services['temporal-ui']?.environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(worker.deploy?.replicas).toBeGreaterThan(1);
  });

  it('passes secrets through from the host instead of writing them', () => {
    expect(services.worker?.environment?.OPENAI_API_KEY).toBe('${OPENAI_API_KEY:-}');
    expect(services.worker?.environment?.JUDGEFLOW_SECRET_KEY).toBe('${JUDGEFLOW_SECRET_KEY:-}');
    expect(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')).not.toMatch(/sk-[A-Za-z0-9]/);
  });

  it('registers exactly the search attributes the workflows use', () => {
    const command = String(services['temporal-search-attributes']?.command);
    const registered = [...command.matchAll(/(Judgeflow\w+)=(\w+)/g)]
      .map((m) => `${m[1]}=${m[2]!.toUpperCase()}`)
      .sort();
    expect(registered).toEqual(ALL_SEARCH_ATTRIBUTES.map((k) => `${k.name}=${k.type}`).sort());
  });

  it('builds the worker image from a Dockerfile whose command runs src/worker.ts', () => {
    const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20[\w.-]*$/m);
    expect(dockerfile).toMatch(/^CMD \["npx", "tsx", "src\/worker\.ts"\]$/m);
  });
});
