import type { TestProject } from 'vitest/node';
import { startWorld } from './global-setup';

/** The stack project's world: the DynamoDB project's, and serverless offline on it. */
export default (project: TestProject) => startWorld(project, { stack: true });
