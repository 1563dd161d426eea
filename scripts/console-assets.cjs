// The admin console's files for its function's bundle: `import assets from 'virtual:console-assets'`
// becomes `{ "index.html": …, "app.css": …, "app.js": …, "favicon.svg": … }`, the script bundled from console/src with
// esbuild. serverless-esbuild loads this file as its plugin list (serverless.yml, custom.esbuild.plugins);
// vitest.config.ts uses buildConsoleAssets for the tests that import the function.
const { build } = require('esbuild');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const CONSOLE = join(__dirname, '..', 'console');
const MODULE = 'virtual:console-assets';

/** Builds the console's files; `inputs` are the files they came from (for watch mode). */
async function buildConsoleAssets() {
  const script = await build({
    entryPoints: [join(CONSOLE, 'src', 'main.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const files = {
    'index.html': readFileSync(join(CONSOLE, 'index.html'), 'utf8'),
    'app.css': readFileSync(join(CONSOLE, 'app.css'), 'utf8'),
    'app.js': script.outputFiles[0].text,
    'favicon.svg': readFileSync(join(CONSOLE, 'favicon.svg'), 'utf8'),
  };
  const inputs = [join(CONSOLE, 'index.html'), join(CONSOLE, 'app.css'), join(CONSOLE, 'favicon.svg'), ...Object.keys(script.metafile.inputs).map((f) => join(process.cwd(), f))];
  return { files, inputs };
}

const consoleAssets = {
  name: 'console-assets',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^virtual:console-assets$/ }, () => ({ path: MODULE, namespace: 'console-assets' }));
    esbuild.onLoad({ filter: /.*/, namespace: 'console-assets' }, async () => {
      const { files, inputs } = await buildConsoleAssets();
      return { contents: JSON.stringify(files), loader: 'json', watchFiles: inputs };
    });
  },
};

module.exports = [consoleAssets];
module.exports.buildConsoleAssets = buildConsoleAssets;
module.exports.CONSOLE_MODULE = MODULE;
