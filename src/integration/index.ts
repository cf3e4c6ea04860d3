// The truefans Astro integration: validates content/ before anything is built, hands the site
// configuration to pages as `virtual:truefans/site`, wraps Markdown after `<!-- members -->` in a gate,
// and, after the build, seals members-only content and runs the leak check before the output is
// published (see stage.ts).

import type { AstroIntegration } from 'astro';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { relative } from 'node:path';
import { contentDir, loadContent } from '../config/load.ts';
import { createKeyring, type Keyring } from '../core/crypto/keys.ts';
import { emitPlatformFiles } from '../adapters/build.ts';
import { sealOutput } from './seal-output.ts';
import { discard, promote, stagingDirFor } from './stage.ts';

const VIRTUAL = 'virtual:truefans/site';

export default function truefans(): AstroIntegration {
  let keyring: Keyring | undefined;
  let outDir = '';
  let stage = '';
  let dir = '';
  let site: ReturnType<typeof loadContent>['site'];

  return {
    name: 'truefans',
    hooks: {
      'astro:config:setup': async ({ config, updateConfig, command, addWatchFile }) => {
        dir = contentDir(fileURLToPath(config.root));
        ({ site } = loadContent(dir, fileURLToPath(config.root)));
        addWatchFile(`${dir}/site.yaml`);
        const preview = command === 'dev';
        if (command === 'build') {
          // Fail before rendering anything: a production build needs the real secret.
          keyring = await createKeyring(process.env.TRUEFANS_SECRET, process.env.TRUEFANS_PREVIOUS_SECRET);
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
            plugins: [
              {
                name: 'truefans:site',
                resolveId: (id: string) => (id === VIRTUAL ? `\0${VIRTUAL}` : undefined),
                load: (id: string) =>
                  id === `\0${VIRTUAL}`
                    ? `export const site = ${JSON.stringify(site)};\nexport const contentDir = ${JSON.stringify(dir)};\nexport const preview = ${preview};\nexport default site;`
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
          await emitPlatformFiles(outDir, { log: (line) => logger.info(line.replace(/^truefans: /, '')) });
          logger.info(
            `sealed ${report.gates} members-only part(s) on ${report.pages} page(s) and ${report.assets} file(s) (seal ${report.sealMs.toFixed(0)} ms); ` +
              `leak check: 0 leaks in ${report.files} files (${report.leakCheckMs.toFixed(0)} ms)`,
          );
        } catch (error) {
          discard(stageDir);
          throw error;
        }
      },
    },
  };
}
