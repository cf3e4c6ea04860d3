declare module 'virtual:truefans/site' {
  /** The validated content/site.yaml. */
  export const site: import('./config/site-schema.ts').SiteConfig;
  /** Absolute path of the content folder. */
  export const contentDir: string;
  /** True under `npm run dev`: members-only parts are shown under a "previewing as a member" banner. */
  export const preview: boolean;
  /** The build's clock (ms; TRUEFANS_NOW or the time the build started): posts dated later are scheduled. */
  export const now: number;
  export default site;
}

declare namespace App {
  interface Locals {
    /** The access of the post being rendered (src/pages/posts/[id].astro), for MembersOnly blocks that name no tier. */
    postAccess?: string;
  }
}
