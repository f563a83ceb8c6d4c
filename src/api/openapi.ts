import type { RouteSpec } from './api-router.ts';

/** The OpenAPI 3.1 document, built from the same route specs that validate requests. */
export function buildOpenApi(routes: readonly RouteSpec[], serverUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const parameters = [
      ...schemaParameters(route.params, 'path'),
      ...schemaParameters(route.query, 'query'),
    ];
    paths[path] ??= {};
    paths[path][route.method] = {
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      ...(route.tags ? { tags: route.tags } : {}),
      ...(route.access === 'public' ? { security: [] } : { security: [{ apiKey: [] }], 'x-scope': route.access }),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: route.body, ...(route.example !== undefined ? { example: route.example } : {}) } } } }
        : {}),
      responses: Object.fromEntries(
        Object.entries(route.responses).map(([status, response]) => [
          status,
          {
            description: response.description,
            ...(response.schema ? { content: { [response.contentType ?? 'application/json']: { schema: response.schema } } } : {}),
          },
        ]),
      ),
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Referral reward engine', version: '1.0.0', description: 'Referral codes, share links, checkout quotes, purchase events and reward history.' },
    servers: [{ url: serverUrl }],
    components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key with scope checkout or admin (API_KEYS).' } } },
    paths,
  };
}

/**
 * Examples for the parameters the routes share, so /docs can "try it out" on
 * every endpoint; a parameter schema's own `examples` wins.
 */
const PARAMETER_EXAMPLES: Record<string, unknown> = {
  code: '82YYFRQN',
  userId: 'alice',
  id: 'evt-1001',
  limit: 20,
  offset: 0,
  status: 'pending',
};

function schemaParameters(schema: Record<string, unknown> | undefined, location: 'path' | 'query'): unknown[] {
  const properties = (schema?.properties ?? {}) as Record<string, unknown>;
  const required = new Set((schema?.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const example = (property as { examples?: unknown[] }).examples?.[0] ?? PARAMETER_EXAMPLES[name];
    return { name, in: location, required: location === 'path' || required.has(name), schema: property, ...(example !== undefined ? { example } : {}) };
  });
}
