// The project's dependency rules, checked by `npm run lint` (DESIGN "Services are framework-free"; issue 19):
// no import cycles, type-only imports included; the domain services stay free of the web, the provider and the database.
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Import cycles make load order matter and tie modules that should stand apart; type-only imports count too.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'services-stay-domain',
      comment: 'src/services is framework-free: no Koa, mongoose, oidc-provider, nor the http, provider, models or flow layers.',
      severity: 'error',
      from: { path: '^src/services/' },
      to: { path: ['^src/(http|provider|models|flow|account|admin|mail|db)/', '^node_modules/(koa|@koa|mongoose|mongodb|oidc-provider)/'] },
    },
    {
      name: 'factors-and-steps-use-their-context',
      comment: 'Sign-in steps and factors depend on the declared contexts (src/flow/context.ts, src/account/context.ts), never on the composition root.',
      severity: 'error',
      from: { path: '^(factors|interactions)/' },
      to: { path: '^src/(container|app|main)\\.ts$' },
    },
  ],
  options: {
    // TypeScript 7 has no compiler API for dependency-cruiser: swc parses the sources (type-only imports are kept)
    parser: 'swc',
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|data|\\.cache)/' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
