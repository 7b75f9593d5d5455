import { z } from 'zod';
import { errorSchema, serviceItemSchema, servicesPageSchema } from './api.js';

type JsonSchema = Record<string, unknown> & { properties?: Record<string, Record<string, unknown>> };

/** A zod schema as JSON Schema 2020-12 (the dialect OpenAPI 3.1 uses), without the `$schema` marker. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'output'): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/**
 * The OpenAPI 3.1 document of the services API, generated from the same zod schemas that validate
 * the requests and shape the answers, so the description cannot drift from the code.
 */
export function servicesOpenApi(querySchema: z.ZodObject, version: string): Record<string, unknown> {
  const query = jsonSchema(querySchema, 'input');
  const parameters = Object.entries(query.properties ?? {}).map(([name, schema]) => {
    const { description, ...rest } = schema;
    return { name, in: 'query', required: false, ...(description ? { description } : {}), schema: rest };
  });
  const error = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
  return {
    openapi: '3.1.0',
    info: {
      title: 'Lotse services API',
      version,
      description: 'Search the curated knowledge base of local services (Kreis Kleve) for the referral finder. Read-only, no personal data.',
    },
    paths: {
      '/api/services': {
        get: {
          operationId: 'listServices',
          summary: 'Search and filter services',
          parameters,
          responses: {
            '200': { description: 'A page of matching services, best first', content: { 'application/json': { schema: { $ref: '#/components/schemas/ServicesPage' } } } },
            '400': error('Invalid, unknown or repeated parameter'),
            '429': error('Too many requests'),
          },
        },
      },
      '/api/services/{id}': {
        get: {
          operationId: 'getService',
          summary: 'One service by id',
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z0-9]+(?:[.-][a-z0-9]+)*$' } },
            parameters.find((p) => p.name === 'language')!,
          ],
          responses: {
            '200': { description: 'The service', content: { 'application/json': { schema: { $ref: '#/components/schemas/Service' } } } },
            '400': error('Invalid parameter'),
            '404': error('No service with this id (reason unknown_service)'),
          },
        },
      },
    },
    components: {
      schemas: {
        Service: jsonSchema(serviceItemSchema),
        ServicesPage: { ...jsonSchema(servicesPageSchema), properties: { ...jsonSchema(servicesPageSchema).properties, items: { type: 'array', items: { $ref: '#/components/schemas/Service' } } } },
        Error: jsonSchema(errorSchema),
      },
    },
  };
}
