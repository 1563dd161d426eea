#!/usr/bin/env node
// The operator CLI (`npx gatehouse …`); its code is TypeScript in cli/, run through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
