# syntax=docker/dockerfile:1.10
# Self-hosting truefans: the site is built (and its members-only parts sealed) while the image is built,
# with TRUEFANS_SECRET passed as a BuildKit secret, so the secret never lands in a layer; the image holds
# only sealed pages, which reveal nothing without the secret. At run time the same secret (and Stripe's
# keys) come from the environment. See docs/deploy/node.md.
#
#   DOCKER_BUILDKIT=1 docker build --secret id=TRUEFANS_SECRET,env=TRUEFANS_SECRET -t truefans .
#   docker run --rm -p 4321:4321 --env-file .env truefans

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# Only the Node server is needed here, not the Netlify, Cloudflare or Vercel files.
ENV TRUEFANS_PLATFORMS=none ASTRO_TELEMETRY_DISABLED=1
RUN --mount=type=secret,id=TRUEFANS_SECRET,env=TRUEFANS_SECRET npm run build
# One file with the server and the core, so the runtime image needs no node_modules.
RUN sh scripts/bundle-server.sh server/server.mjs --minify

FROM node:24-slim
WORKDIR /app
# Two malloc arenas: the server ends a mixed load about 15 MB smaller (scripts/serve.sh says why).
ENV NODE_ENV=production PORT=4321 HOST=0.0.0.0 MALLOC_ARENA_MAX=2
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/server ./server
USER node
EXPOSE 4321
HEALTHCHECK --interval=30s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||4321)+'/').then(r=>process.exit(r.status<500?0:1),()=>process.exit(1))"]
# The server stops on SIGTERM (docker stop) after finishing the requests in flight.
# Young generation capped as `npm run serve` does (scripts/serve.sh says why).
CMD ["node", "--max-semi-space-size=8", "server/server.mjs", "--dist", "dist"]
