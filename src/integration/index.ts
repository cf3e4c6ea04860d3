// The truefans Astro integration: validates content/ before anything is built, hands the site
// configuration to pages as `virtual:truefans/site`, and (after the build) seals members-only content.

import type { AstroIntegration } from 'astro';
import { contentDir, loadContent } from '../config/load.ts';

const VIRTUAL = 'virtual:truefans/site';

export default function truefans(): AstroIntegration {
  return {
    name: 'truefans',
    hooks: {
      'astro:config:setup': ({ updateConfig, command, addWatchFile }) => {
        const dir = contentDir();
        const { site } = loadContent(dir);
        addWatchFile(`${dir}/site.yaml`);
        const preview = command === 'dev';
        updateConfig({
          site: site.url,
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
    },
  };
}
