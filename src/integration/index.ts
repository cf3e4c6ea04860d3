// The truefans Astro integration: validates content/ before anything is built, hands the site
// configuration to pages as `virtual:truefans/site`, wraps Markdown after `<!-- members -->` in a gate,
// and, after the build, seals members-only content and runs the leak check before the output is
// published (see stage.ts).

import type { AstroIntegration, AstroIntegrationLogger } from 'astro';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { relative } from 'node:path';
import { loadDotEnv } from '../config/dotenv.ts';
import { buildNow } from '../config/clock.ts';
import { contentDir, loadContent } from '../config/load.ts';
import { isPublishedAt } from '../core/schedule.ts';
import { createKeyring, type Keyring } from '../core/crypto/keys.ts';
import { isTruefansError } from '../core/errors.ts';
import { emitPlatformFiles } from '../adapters/build.ts';
import { sealOutput } from './seal-output.ts';
import { discard, promote, stagingDirFor } from './stage.ts';

const VIRTUAL = 'virtual:truefans/site';

/**
 * A creator's mistake (content, the secret, a leak) ends the build with its message alone, as
 * `npm run check` prints it. Astro frames anything a hook throws with "An unhandled error occurred while
 * running the hook", a stack trace into node_modules and the throwing line (astro/dist/integrations/
 * hooks.js, cli/throw-and-exit.js), so a build prints the message and exits instead. `--verbose`
 * (log level debug) still throws, for the trace; so does `astro dev`, which reloads its config when
 * site.yaml changes and must report the error without exiting.
 */
function fail(error: unknown, logger: AstroIntegrationLogger, command: string): never {
  if (!isTruefansError(error) || command !== 'build' || logger.options.level === 'debug') throw error;
  logger.error(error.describe());
  process.exit(1);
}

export default function truefans(): AstroIntegration {
  let keyring: Keyring | undefined;
  let outDir = '';
  let stage = '';
  let dir = '';
  let site: ReturnType<typeof loadContent>['site'];

  return {
    name: 'truefans',
    hooks: {
      'astro:config:setup': async ({ config, updateConfig, command, addWatchFile, logger }) => {
        loadDotEnv(fileURLToPath(config.root));
        dir = contentDir(fileURLToPath(config.root));
        let warnings: string[];
        let posts: ReturnType<typeof loadContent>['posts'];
        let now: number;
        try {
          ({ site, warnings, posts } = loadContent(dir, fileURLToPath(config.root)));
          now = buildNow();
        } catch (error) {
          fail(error, logger, command);
        }
        for (const warning of warnings) logger.warn(warning);
        const scheduled = posts.filter((p) => !p.data.draft && !isPublishedAt(p.data.date, now)).sort((a, b) => a.data.date.getTime() - b.data.date.getTime());
        if (command === 'build' && scheduled.length) {
          logger.info(`${scheduled.length} scheduled post(s) left out until their date; the next is ${scheduled[0]!.file} on ${scheduled[0]!.data.date.toISOString().slice(0, 16).replace('T', ' ')} UTC: rebuild then to publish it`);
        }
        addWatchFile(`${dir}/site.yaml`);
        const preview = command === 'dev';
        if (command === 'build') {
          // Fail before rendering anything: a production build needs the real secret.
          try {
            keyring = await createKeyring(process.env.TRUEFANS_SECRET, process.env.TRUEFANS_PREVIOUS_SECRET);
          } catch (error) {
            fail(error, logger, command);
          }
          outDir = fileURLToPath(config.outDir).replace(/[\\/]+$/, '');
          stage = stagingDirFor(outDir);
          discard(stage);
        }
        updateConfig({
          site: site.url,
          // Stylesheets as files, never inlined: the site's CSP allows inline style only by hash.
          build: { inlineStylesheets: 'never' },
          ...(stage ? { outDir: pathToFileURL(`${stage}/`) } : {}),
          vite: {
            build: {
              rolldownOptions: {
                // Astro's own MDX output starts with the directive "use astro:head-inject", which Rolldown
                // reports on every build as MODULE_LEVEL_DIRECTIVE, pointing at the creator's .mdx file as if
                // it were at fault. It is harmless (withastro/astro#18087, open); only that one is hidden.
                onwarn(warning: { code?: string; message: string }, warn: (log: typeof warning) => void) {
                  if (warning.code === 'MODULE_LEVEL_DIRECTIVE' && warning.message.includes('use astro:head-inject')) return;
                  warn(warning);
                },
              },
            },
            plugins: [
              {
                name: 'truefans:site',
                resolveId: (id: string) => (id === VIRTUAL ? `\0${VIRTUAL}` : undefined),
                load: (id: string) =>
                  id === `\0${VIRTUAL}`
                    ? `export const site = ${JSON.stringify(site)};\nexport const contentDir = ${JSON.stringify(dir)};\nexport const preview = ${preview};\nexport const now = ${now};\nexport default site;`
                    : undefined,
              },
            ],
          },
        });
      },
      'astro:build:done': async ({ dir: built, logger }) => {
        if (!keyring) return;
        const stageDir = fileURLToPath(built).replace(/[\\/]$/, '');
        const displayDir = relative(process.cwd(), outDir) || outDir;
        try {
          const report = await sealOutput({ dir: stageDir, displayDir, keyring, site, contentDir: dir });
          promote(stageDir, outDir);
          // Each platform's function and config, from the sealed output (none of it holds plaintext).
          await emitPlatformFiles(outDir, { manifest: report.manifest, log: (line) => logger.info(line.replace(/^truefans: /, '')) });
          logger.info(
            `sealed ${report.gates} members-only part(s) on ${report.pages} page(s) and ${report.assets} file(s) (seal ${report.sealMs.toFixed(0)} ms); ` +
              `search: ${report.searchPages} page(s) indexed (${report.searchMs.toFixed(0)} ms); leak check: 0 leaks in ${report.files} files (${report.leakCheckMs.toFixed(0)} ms)`,
          );
        } catch (error) {
          discard(stageDir);
          fail(error, logger, 'build');
        }
      },
    },
  };
}
