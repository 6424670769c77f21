// The deployment files, as their tools read them: the Kubernetes manifests rendered by
// `kubectl kustomize`, the compose file, the Render Blueprint and the Railway config.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { execForm, ROOT, stages } from '../support/dockerfile.ts';

type Container = {
  args: string[];
  image: string;
  readinessProbe?: { httpGet: { path: string } };
  livenessProbe?: { httpGet: { path: string } };
  securityContext: Record<string, unknown>;
  envFrom: unknown[];
};
type Resource = {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: Record<string, unknown>;
};

const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const CMD = execForm(
  stages()
    .at(-1)
    ?.instructions.find((i) => i.keyword === 'CMD')?.text ?? '[]',
);

describe('deploy/kubernetes, rendered by kubectl kustomize', () => {
  const rendered = execFileSync('kubectl', ['kustomize', path.join(ROOT, 'deploy/kubernetes')], {
    encoding: 'utf8',
  });
  const resources = parseAllDocuments(rendered).map((doc) => doc.toJS() as Resource);
  const named = (kind: string, name: string) =>
    resources.find((r) => r.kind === kind && r.metadata.name === name);
  type Pod = { containers: Container[]; securityContext: Record<string, unknown> };
  const podOf = (resource: Resource | undefined): Pod => {
    if (!resource) throw new Error('no such resource');
    return (resource.spec.template as { spec: Pod }).spec;
  };

  it('holds an HTTP deployment, a worker deployment, a migration job, a service and a TLS ingress in one namespace', () => {
    expect(resources.map((r) => `${r.kind}/${r.metadata.name}`).sort()).toEqual(
      [
        'ConfigMap/agent-dispatch',
        'Deployment/agent-dispatch-http',
        'Deployment/agent-dispatch-worker',
        'Ingress/agent-dispatch',
        'Job/agent-dispatch-migrate',
        'Namespace/agent-dispatch',
        'Service/agent-dispatch',
      ].sort(),
    );
    for (const r of resources.filter((r) => r.kind !== 'Namespace'))
      expect(r.metadata.namespace).toBe('agent-dispatch');
    expect(named('Ingress', 'agent-dispatch')?.spec.tls).toHaveLength(1);
  });

  it.each([
    ['agent-dispatch-http', '--http-only'],
    ['agent-dispatch-worker', '--worker-only'],
  ])('runs %s as the image does, with %s, probed on /readyz and /healthz, not as root', (name, flag) => {
    const pod = podOf(named('Deployment', name));
    const [container] = pod.containers;
    expect(container?.args).toEqual([...CMD, flag]);
    expect(container?.image).toMatch(/^ghcr\.io\/agent-dispatch\/agent-dispatch:/);
    expect(container?.readinessProbe?.httpGet.path).toBe('/readyz');
    expect(container?.livenessProbe?.httpGet.path).toBe('/healthz');
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container?.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
    });
    expect(container?.envFrom).toEqual([
      { configMapRef: { name: 'agent-dispatch' } },
      { secretRef: { name: 'agent-dispatch' } },
    ]);
  });

  it('migrates with the migration CLI of the same image', () => {
    const [container] = podOf(named('Job', 'agent-dispatch-migrate')).containers;
    expect(container?.args).toEqual(['node', 'src/boot/migrate-cli.ts']);
    expect(container?.image).toBe(podOf(named('Deployment', 'agent-dispatch-http')).containers[0]?.image);
  });

  it('routes the service to the HTTP tier only', () => {
    expect(named('Service', 'agent-dispatch')?.spec.selector).toEqual({
      'app.kubernetes.io/name': 'agent-dispatch',
      'app.kubernetes.io/component': 'http',
    });
  });
});

describe('compose.yaml, render.yaml and railway.json', () => {
  it('compose runs the image built here next to a Postgres it waits for', () => {
    const compose = parse(read('compose.yaml')) as { services: Record<string, Record<string, unknown>> };
    expect(Object.keys(compose.services).sort()).toEqual(['app', 'postgres']);
    const app = compose.services.app ?? {};
    expect(app.build).toBe('.');
    expect(app.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(String((app.environment as Record<string, string>).DATABASE_URL)).toMatch(
      /^postgres:\/\/.*@postgres:5432\//,
    );
    expect(compose.services.postgres?.healthcheck).toBeDefined();
  });

  it('the Render Blueprint builds the Dockerfile, checks /readyz and takes DATABASE_URL from its database', () => {
    const render = parse(read('render.yaml')) as {
      services: {
        runtime: string;
        healthCheckPath: string;
        envVars: { key: string; fromDatabase?: { name: string } }[];
      }[];
      databases: { name: string }[];
    };
    const [web] = render.services;
    expect(web).toMatchObject({ runtime: 'docker', healthCheckPath: '/readyz' });
    expect(web?.envVars.find((v) => v.key === 'DATABASE_URL')?.fromDatabase?.name).toBe(
      render.databases[0]?.name,
    );
    expect(web?.envVars.map((v) => v.key)).toEqual(
      expect.arrayContaining(['APP_ID', 'PRIVATE_KEY', 'WEBHOOK_SECRET', 'PUBLIC_URL']),
    );
  });

  it('the Railway config builds the Dockerfile, starts the App with node and checks /readyz', () => {
    const railway = JSON.parse(read('railway.json')) as {
      build: Record<string, string>;
      deploy: Record<string, unknown>;
    };
    expect(railway.build).toEqual({ builder: 'DOCKERFILE', dockerfilePath: 'Dockerfile' });
    expect(railway.deploy.startCommand).toBe(CMD.join(' '));
    expect(railway.deploy.healthcheckPath).toBe('/readyz');
  });
});
