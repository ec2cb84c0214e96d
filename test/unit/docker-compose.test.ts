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
      ['migrate', 'postgres', 'temporal', 'temporal-schema', 'temporal-namespace', 'temporal-ui', 'worker'].sort(),
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
      'temporal-namespace': { condition: 'service_completed_successfully' },
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

  it('starts Temporal and its Web UI from the same deploy/ files as npm run cluster, setting only what they read', () => {
    for (const [name, dir] of [
      ['temporal', 'temporal'],
      ['temporal-ui', 'temporal-ui'],
    ] as const) {
      const service = services[name]!;
      expect(service.volumes).toEqual([`./deploy/${dir}:/etc/judgeflow/${dir}:ro`]);
      const started = [service.command, (service as { entrypoint?: unknown }).entrypoint].flat().join(' ');
      expect(started).toMatch(new RegExp(`--root / --config etc/judgeflow/${dir} --env judgeflow`));
      const template = fs.readFileSync(path.join(root, 'deploy', dir, 'judgeflow.yaml'), 'utf8');
      const read = new Set([...template.matchAll(/env "(\w+)"/g)].map((m) => m[1]));
      for (const variable of Object.keys(service.environment ?? {}))
        expect(read.has(variable), `${name} sets ${variable}, which deploy/${dir}/judgeflow.yaml does not read`).toBe(
          true,
        );
    }
    const temporalCommand = String(services.temporal?.command);
    expect(temporalCommand).toContain('TEMPORAL_BIND_IP=');
    expect(fs.existsSync(path.join(root, 'deploy/temporal/dynamicconfig.yaml'))).toBe(true);
  });

  it('registers the namespace and exactly the search attributes the workflows use', () => {
    expect(String(services['temporal-namespace']?.command)).toContain(
      'temporal operator namespace create --namespace default',
    );
    const command = String(services['temporal-namespace']?.command);
    const registered = [...command.matchAll(/(Judgeflow\w+)=(\w+)/g)]
      .map((m) => `${m[1]}=${m[2]!.toUpperCase()}`)
      .sort();
    expect(registered).toEqual(ALL_SEARCH_ATTRIBUTES.map((k) => `${k.name}=${k.type}`).sort());
  });

  it('builds the worker image from a Dockerfile whose command runs the compiled src/worker/main', () => {
    const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20[\w.-]*$/m);
    // Node options and all: test/unit/worker-runtime.test.ts.
    expect(dockerfile).toMatch(/^CMD \["node", .*"dist\/src\/worker\/main\.js"\]$/m);
  });
});
