import type { TestProject } from 'vitest/node';
import { startWorld } from './global-setup';

/** The DynamoDB project's world: DynamoDB Local and the fake identity providers, no stack. */
export default (project: TestProject) => startWorld(project, { stack: false });
