import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { loadMarkdownRenderer } from './composables/useMarkdown'
import { createAppI18n, initialLocale, loadMessages } from './i18n'
import { useChatStore } from './stores/chat'
import './styles.css'

const locale = initialLocale()
document.documentElement.lang = locale
const pinia = createPinia()
const chat = useChatStore(pinia)
void chat.init()
void loadMessages(locale).then(messages => createApp(App).use(pinia).use(createAppI18n(locale, { [locale]: messages })).mount('#app'))
// Coalesced writes wait a moment; when the page goes away, write them now.
addEventListener('pagehide', () => chat.saveBeforeUnload())
document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && void chat.flush())
// Fetch the renderer while the user types the first question.
setTimeout(loadMarkdownRenderer, 0)
