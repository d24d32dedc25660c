# okta-wfm-sync worker image
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
# Keeps the heap (and so the RSS) of a 100k-user run bounded; see bench/RESULTS.md.
ENV NODE_OPTIONS=--max-old-space-size=384
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# `okta-wfm-sync` on the PATH, as the README has it (`docker compose exec worker okta-wfm-sync status`).
RUN chmod +x dist/worker/cli.js && ln -s /app/dist/worker/cli.js /usr/local/bin/okta-wfm-sync
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s CMD node -e "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "dist/worker/cli.js"]
CMD ["worker"]
