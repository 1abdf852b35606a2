// eslint (flat config): Vue + TypeScript recommended rules, and no bare user-visible text in
// templates: every string goes through vue-i18n (STYLE.md, "Front end"), including the
// label / placeholder / title attributes of Element Plus and Vant components.
import js from '@eslint/js'
import pluginVue from 'eslint-plugin-vue'
import tseslint from 'typescript-eslint'
import vueI18n from '@intlify/eslint-plugin-vue-i18n'
import globals from 'globals'

const TEXT_ATTRIBUTES = ['label', 'placeholder', 'title', 'description', 'text', 'message', 'alt', 'aria-label', 'active-text', 'empty-text', 'left-text']

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'src/api/schema.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    plugins: { '@intlify/vue-i18n': vueI18n },
    settings: { 'vue-i18n': { messageSyntaxVersion: '^11.0.0' } },
    rules: {
      '@intlify/vue-i18n/no-raw-text': [
        'error',
        {
          attributes: { '/.+/': TEXT_ATTRIBUTES },
          // Symbols and punctuation that are the same in every language.
          ignorePattern: '^[-–—·•/|:：()（）←→›‹↑↓!？?,.，。\\s\\d%]*$',
        },
      ],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
)
