import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ANTI_LOOP_ERRORS } from '#core/domain/provider/anti-loop.ts';
import { parseDeliveryReceipt } from '#core/domain/receipts/receipt.ts';
import { receiptFields } from '#core/domain/receipts/receipt-fields.ts';
import { messagesBatchSchema, recipientsBatchSchema } from '#core/domain/requests/batch-schema.ts';
import { sendMessageSchema } from '#core/domain/requests/message-schema.ts';
import { InvalidPhoneNumberError } from '#core/domain/requests/phone-number.ts';
import { EMAIL_SENDER_RULE, SENDER_ID_RULE } from '#core/domain/requests/sender-id.ts';
import { ALLOWED_METHODS } from '#lambdas/api/app.ts';
import { BAD_NUMBER_EXAMPLE, PROBLEM_CODES } from '#lambdas/api/http/problem-catalogue.ts';
import {
  acceptedAnswerSchema,
  batchAnswerSchema,
  batchViewSchema,
  messageViewSchema,
  problemSchema,
} from '#lambdas/api/openapi/answers.ts';
import { openApiDocument, openApiText } from '#lambdas/api/openapi/document.ts';

// docs/openapi.json is generated (`npm run openapi`); these tests fail when it, the routes or the
// problem codes the API answers with drift apart.

const root = new URL('../../../../../', import.meta.url).pathname;

interface Operation {
  responses: Record<string, { content?: Record<string, { examples?: Record<string, unknown> }> }>;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.includes('problem-catalogue') ? [path] : [];
  });
}

const ANTI_LOOP_CODES = Object.values(ANTI_LOOP_ERRORS).map((error) => error.code);

/**
 * The zod schema each component of the document is generated from (lambdas/api/openapi/document.ts);
 * an answer's schemas drop keys they do not know, so its examples are also compared with the parse.
 */
const ZOD_OF: Record<string, { schema: z.ZodType; answer: boolean }> = {
  SendMessage: { schema: sendMessageSchema, answer: false },
  SendBatch: { schema: z.union([recipientsBatchSchema, messagesBatchSchema]), answer: false },
  AcceptedAnswer: { schema: acceptedAnswerSchema, answer: true },
  Message: { schema: messageViewSchema, answer: true },
  BatchAnswer: { schema: batchAnswerSchema, answer: true },
  Batch: { schema: batchViewSchema, answer: true },
  Problem: { schema: problemSchema, answer: true },
};

interface Media {
  schema?: { $ref?: string };
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
}

/** Every example of the document: where it is, the component it is documented under, the value. */
function documentedExamples(): { where: string; component: string; value: unknown }[] {
  const { paths } = openApiDocument() as {
    paths: Record<
      string,
      Record<
        string,
        {
          requestBody?: { content: Record<string, Media> };
          responses: Record<string, { content?: Record<string, Media> }>;
        }
      >
    >;
  };
  const found: { where: string; component: string; value: unknown }[] = [];
  for (const [path, operations] of Object.entries(paths)) {
    for (const [method, { requestBody, responses }] of Object.entries(operations)) {
      const contents: [string, Record<string, Media> | undefined][] = [
        ['request', requestBody?.content],
        ...Object.entries(responses).map(
          ([status, response]): [string, Record<string, Media> | undefined] => [status, response.content],
        ),
      ];
      for (const [part, content] of contents) {
        for (const [type, media] of Object.entries(content ?? {})) {
          const where = `${method.toUpperCase()} ${path} ${part} ${type}`;
          const component = media.schema?.$ref?.replace('#/components/schemas/', '') ?? '(no $ref)';
          if (media.example !== undefined) found.push({ where, component, value: media.example });
          for (const [name, { value }] of Object.entries(media.examples ?? {}))
            found.push({ where: `${where} ${name}`, component, value });
        }
      }
    }
  }
  return found;
}

describe('the OpenAPI document', () => {
  it('when it is generated, then docs/openapi.json is the same (else run npm run openapi)', () => {
    // Prepare
    const written = readFileSync(join(root, 'docs/openapi.json'), 'utf8');
    // Act
    const generated = openApiText();
    // Assess
    expect(written).toBe(generated);
  });

  it('when the app answers a path and method, then the document has that operation', () => {
    // Prepare
    const { paths } = openApiDocument() as { paths: Record<string, Record<string, Operation>> };
    // Act
    const documented = Object.entries(paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const answered = Object.entries(ALLOWED_METHODS).flatMap(([path, allow]) =>
      allow.split(', ').map((method) => `${method} ${path.replace(/:(\w+)/g, '{$1}')}`),
    );
    // Assess
    expect(documented.sort()).toEqual(answered.sort());
  });

  it('when the API source answers a problem code, then the catalogue has it and the document shows an example', () => {
    // Prepare
    const source = sourceFiles(join(root, 'lambdas/api'))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    const { paths } = openApiDocument() as { paths: Record<string, Record<string, Operation>> };
    // Act
    const used = new Set([
      ...[...source.matchAll(/status: \d{3},\s*code: '([a-z0-9_]+)'/g)].map((match) => match[1]),
      ...[...source.matchAll(/serviceUnavailableProblem\(\s*'([a-z0-9_]+)'/g)].map((match) => match[1]),
      ...[...source.matchAll(/cataloguedProblem\('([a-z0-9_]+)'\)/g)].map((match) => match[1]),
      // The anti-loop answers take their code from the provider's rules.
      ...[...source.matchAll(/antiLoopProblem\(/g)].flatMap(() => ANTI_LOOP_CODES),
    ]);
    const exemplified = new Set(
      Object.values(paths)
        .flatMap((operations) => Object.values(operations))
        .flatMap((operation) => Object.values(operation.responses))
        .flatMap((response) => Object.keys(response.content?.['application/problem+json']?.examples ?? {})),
    );
    // Assess
    expect([...used].sort()).toEqual([...PROBLEM_CODES].sort());
    expect([...exemplified].sort()).toEqual([...PROBLEM_CODES].sort());
  });

  it('when the examples refuse a bad number, then they word it as the API does', () => {
    // Act
    const real = new InvalidPhoneNumberError('12').message;
    // Assess: the examples had lost the advice the real answer gives
    expect(BAD_NUMBER_EXAMPLE).toBe(real);
  });

  it('when a batch answers 503, then its examples name the batch, not a message', () => {
    // Prepare
    const { paths } = openApiDocument() as { paths: Record<string, Record<string, Operation>> };
    const examples = paths['/v1/batches']?.post?.responses['503']?.content?.['application/problem+json']
      ?.examples as Record<string, { value: Record<string, unknown> }>;
    // Act
    const named = Object.fromEntries(
      ['enqueue_failed', 'store_outcome_unknown'].map((code) => [
        code,
        Object.keys(examples[code]?.value ?? {}),
      ]),
    );
    // Assess: before, the batch showed the single message's example (messageId, "the same
    // Idempotency-Key is fine", a key batches refuse).
    for (const keys of Object.values(named)) {
      expect(keys).toContain('batchId');
      expect(keys).not.toContain('messageId');
    }
    expect(JSON.stringify(examples.enqueue_failed?.value)).not.toMatch(/Idempotency-Key/);
  });

  it('when the document describes `from`, then it states the rule the API applies', () => {
    // Prepare
    const { components } = openApiDocument() as {
      components: { schemas: Record<string, { properties: Record<string, { description?: string }> }> };
    };
    // Act
    const described = components.schemas.SendMessage?.properties.from?.description ?? '';
    // Assess: before, "or a number of up to 15 digits", which the API refuses without "+".
    expect(described).toBe(`sender id: ${SENDER_ID_RULE.replace(/^must be /, '')}; or ${EMAIL_SENDER_RULE}`);
    expect(described).toContain('"+" and an international number of up to 15 digits');
  });

  it('when every example of the document is parsed with the schema it is documented under, then each is valid', () => {
    // Prepare
    const examples = documentedExamples();
    // Act
    const faults = examples.flatMap(({ where, component, value }) => {
      const zod = ZOD_OF[component];
      if (!zod) return [`${where}: no zod schema for ${component}`];
      const parsed = zod.schema.safeParse(value);
      if (!parsed.success) return [`${where}: ${z.prettifyError(parsed.error)}`];
      return zod.answer && !isDeepStrictEqual(parsed.data, value)
        ? [`${where}: keys beyond ${component}`]
        : [];
    });
    // Assess: before, the 200 of GET /v1/messages/{id} had no `report`, which Message requires.
    expect(examples.map(({ where }) => where)).toContain('GET /v1/messages/{id} 200 application/json');
    expect(examples.length).toBeGreaterThan(50);
    expect(faults).toEqual([]);
  });

  it('when an HLR result is stored, then the Message schema names every key its `hlr` can carry', () => {
    // Prepare: an HLR receipt with every field the provider sends (imsi, msc, mcc, mnc, cn, net, rcn, rnet)
    const receipt = parseDeliveryReceipt({
      text:
        'id:100 stat:DELIVRD err:0 imsi:250011234567890 msc:79001234567 mcc:250 mnc:01 ' +
        'cn:Russian+Federation net:MTS rcn:Germany rnet:Vodafone',
      tlvs: { flags: 4 },
    });
    const { components } = openApiDocument() as {
      components: {
        schemas: Record<string, { properties: Record<string, { anyOf?: Record<string, unknown>[] }> }>;
      };
    };
    // Act
    const stored = Object.keys(receiptFields(receipt).hlr ?? {}).sort();
    const hlr = components.schemas.Message?.properties.hlr?.anyOf?.find(({ type }) => type === 'object');
    const documented = Object.keys((hlr?.properties as Record<string, unknown> | undefined) ?? {}).sort();
    // Assess: before, a bare map of strings: nothing told a client that cn/net/rcn/rnet come back as
    // countryName/networkName/roamingCountryName/roamingNetworkName.
    expect(stored).toEqual([
      'countryName',
      'imsi',
      'mcc',
      'mnc',
      'msc',
      'networkName',
      'roamingCountryName',
      'roamingNetworkName',
    ]);
    expect(documented).toEqual(stored);
    expect(hlr?.additionalProperties).toEqual({ type: 'string' });
  });
});
