/**
 * The playground page's script: the TypeScript under ./browser, bundled with esbuild when the page is first
 * asked for and kept in memory for the life of the process (the local stack runs from sources).
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ENTRY = fileURLToPath(new URL('./browser/main.ts', import.meta.url));
const TSCONFIG = fileURLToPath(new URL('./browser/tsconfig.json', import.meta.url));

/** The bundle's exports (the pure renderers) are reachable under this global name. */
export const SCRIPT_GLOBAL = 'playground';

let bundle: Promise<string> | undefined;

/** The bundled page script, built once per process. */
export function playgroundScript(): Promise<string> {
  bundle ??= bundleScript();
  return bundle;
}

async function bundleScript(): Promise<string> {
  const result = await build({
    entryPoints: [ENTRY],
    tsconfig: TSCONFIG,
    bundle: true,
    write: false,
    format: 'iife',
    globalName: SCRIPT_GLOBAL,
    platform: 'browser',
    target: 'es2022',
    charset: 'ascii',
    legalComments: 'none',
    logLevel: 'silent',
  });
  const text = result.outputFiles[0]?.text;
  if (text === undefined) throw new Error('playground: esbuild produced no page script');
  // The script is inlined in a <script> element: either sequence would end it early or change how it parses.
  if (/<\/script|<!--/i.test(text)) throw new Error('playground: the page script contains </script or <!--');
  return text;
}
