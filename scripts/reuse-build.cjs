'use strict';
/**
 * A local stack that starts on bundles another stack built from the same sources
 * (scripts/local-build.ts sets GATEHOUSE_REUSE_BUILD=true and GATEHOUSE_BUILD_DIR to them): every
 * function is marked for serverless-esbuild to skip, so it bundles nothing and serverless offline runs
 * the bundles already there. Listed before serverless-esbuild, so its hook runs first. Never affects
 * packaging or deploying.
 */
class ReuseBuild {
  constructor(serverless) {
    this.hooks = {
      'before:offline:start:init': () => {
        if (process.env.GATEHOUSE_REUSE_BUILD !== 'true') return;
        for (const fn of Object.values(serverless.service.functions)) fn.skipEsbuild = true;
      },
    };
  }
}

module.exports = ReuseBuild;
