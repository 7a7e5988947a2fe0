import { defineConfig } from '@hey-api/openapi-ts';

// Generates sdk/typescript/src from the checked-in spec. Run `sdk/generate` rather than this
// directly: it regenerates both SDKs.
export default defineConfig({
  input: '../openapi.yaml',
  output: { path: 'typescript/src' },
  plugins: ['@hey-api/client-fetch', '@hey-api/typescript', '@hey-api/sdk'],
});
