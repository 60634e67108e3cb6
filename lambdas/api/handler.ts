import { handle } from 'hono/aws-lambda';
import { createApiApp } from './app.ts';
import { loadConfig } from './config.ts';
import { createDeps } from './deps.ts';

// The Lambda entry (API Gateway REST proxy integration). Config and clients are built once per
// execution environment, at cold start: a bad setting fails the init phase, naming the variable,
// instead of answering requests with errors.

const { deps } = createDeps(loadConfig(process.env));

export const handler = handle(createApiApp(deps));
