// True on a phone-width screen (the console's one breakpoint, 768 px), kept current.
import { onBeforeUnmount, ref, type Ref } from 'vue'

export function useNarrow(width = 768): Ref<boolean> {
  const query = window.matchMedia(`(max-width: ${width}px)`)
  const narrow = ref(query.matches)
  const update = () => (narrow.value = query.matches)
  query.addEventListener('change', update)
  onBeforeUnmount(() => query.removeEventListener('change', update))
  return narrow
}
