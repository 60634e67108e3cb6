#!/usr/bin/env node
// `smsc-sender`: the repository ships TypeScript without a build step, so the CLI runs through tsx.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
