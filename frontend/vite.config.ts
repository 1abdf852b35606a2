/// <reference types="vitest/config" />
// One Vite build, two clients: the staff workbench (index.html, Element Plus) served at / and
// the employee H5 portal (h5/index.html, Vant) served at /h5/ by healthloop.web. Components of
// both libraries are imported on demand, so each client carries only what it uses.
import { fileURLToPath, URL } from 'node:url'
import type { Connect, Plugin } from 'vite'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import { VantResolver } from '@vant/auto-import-resolver'

const backend = process.env.HEALTHLOOP_BACKEND ?? 'http://127.0.0.1:8000'

/** In `vite dev`, serve the portal page for its client-side routes (/h5/exams/...). */
function portalHistoryFallback(): Plugin {
  const rewrite: Connect.NextHandleFunction = (req, _res, next) => {
    const url = req.url ?? ''
    if (url.startsWith('/h5') && !url.includes('.') && req.headers.accept?.includes('text/html')) {
      req.url = '/h5/index.html'
    }
    next()
  }
  return { name: 'healthloop-portal-fallback', configureServer: (server) => void server.middlewares.use(rewrite) }
}

/**
 * No CDN: Vant's icon font lists a remote fallback (at.alicdn.com) after its inlined woff2.
 * Drop remote url() entries from CSS so the page never reaches another origin.
 */
const REMOTE_FONT_SOURCE = /,\s*url\(\s*["']?(?:https?:)?\/\/[^)]*\)\s*format\([^)]*\)/g

function stripRemoteFontSources(): Plugin {
  return {
    name: 'healthloop-strip-remote-font-sources',
    enforce: 'pre',
    transform(code, id) {
      if (!id.split('?')[0]?.endsWith('.css') || !REMOTE_FONT_SOURCE.test(code)) return null
      REMOTE_FONT_SOURCE.lastIndex = 0
      return { code: code.replace(REMOTE_FONT_SOURCE, ''), map: null }
    },
  }
}

export default defineConfig({
  plugins: [
    vue(),
    Components({
      dts: false,
      dirs: [],
      resolvers: [ElementPlusResolver({ importStyle: 'css' }), VantResolver()],
    }),
    portalHistoryFallback(),
    stripRemoteFontSources(),
  ],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  define: {
    __VUE_OPTIONS_API__: 'true',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'true',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // WeChat's built-in browser on older phones: stay with widely supported syntax.
    target: ['es2020', 'chrome87', 'safari14', 'firefox78', 'edge88'],
    cssTarget: ['chrome87', 'safari14'],
    chunkSizeWarningLimit: 800,
    reportCompressedSize: true,
    rolldownOptions: {
      input: {
        workbench: fileURLToPath(new URL('./index.html', import.meta.url)),
        portal: fileURLToPath(new URL('./h5/index.html', import.meta.url)),
      },
      output: {
        // The framework both clients share gets a stable, separately cached chunk; the rest
        // is split by route and loaded on demand (charts only when a chart is shown).
        codeSplitting: {
          groups: [{ name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router|pinia|vue-i18n|@intlify)[\\/]/ }],
        },
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': backend,
      '/admin': backend,
      '/static': backend,
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
})
