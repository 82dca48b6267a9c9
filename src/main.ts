import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { loadMarkdownRenderer } from './composables/useMarkdown'
import { createAppI18n, initialLocale } from './i18n'
import './styles.css'

const locale = initialLocale()
document.documentElement.lang = locale
createApp(App).use(createPinia()).use(createAppI18n(locale)).mount('#app')
// Fetch the renderer while the user types the first question.
setTimeout(loadMarkdownRenderer, 0)
