// The district the portal serves: the installation's one (runtime config), or the one named by a
// poster's link (?d=330114), remembered on the phone; shown by its name, never its code.
import { computed, ref } from 'vue'
import { config } from '../config'
import { districts, isDistrictCode, safeStorage, type District } from './lib'

const KEY = 'zhiguan.district'
export const all = ref<District[]>([])
export const code = ref('')
export const loadError = ref('')
export const name = computed(() => all.value.find((d) => d.code === code.value)?.name ?? '')

let loading: Promise<void> | null = null

export function loadDistricts(given = ''): Promise<void> {
  loading ??= (async () => {
    try {
      all.value = await districts()
    } catch (err) {
      loadError.value = (err as Error).message
      return
    }
    const wanted = [given, safeStorage()?.getItem(KEY) ?? '', config.jurisdiction ?? '']
    const known = new Set(all.value.map((d) => d.code))
    code.value = wanted.find((c) => isDistrictCode(c) && known.has(c)) ?? all.value[0]?.code ?? ''
  })()
  return loading
}

export function choose(next: string): void {
  code.value = next
  safeStorage()?.setItem(KEY, next)
}
